import type { ParamName } from '../config/release-schema.js';
import type { ChatParams } from '../providers/model-provider.js';

/** What a request asked for of the params a release may own (max_completion_tokens is read as max_tokens). */
export type ClientParams = ChatParams;

export interface ParamPolicy {
  /** The params the provider call uses. */
  readonly params: ChatParams;
  /** The client's params the release set otherwise, in the order the client gave them (x-sluice-overridden). */
  readonly overridden: readonly string[];
}

const NONE: readonly string[] = [];

/**
 * The stated policy: the release owns the params it sets; a client's value
 * for any other param passes through. Where both set one, the release wins
 * and the param is named in `overridden`, unless the release lists it in
 * params_overridable. Without client params the release's object is used as is.
 */
export function applyParamPolicy(
  release: ChatParams,
  overridable: readonly ParamName[] | undefined,
  client: ClientParams | undefined,
): ParamPolicy {
  if (client === undefined) return { params: release, overridden: NONE };
  const params: ChatParams = { ...release };
  let overridden: string[] | undefined;
  for (const key in client) {
    const name = key as ParamName;
    const value = client[name];
    if (value === undefined) continue;
    if (release[name] === undefined || overridable?.includes(name)) copy(params, client, name);
    else if (JSON.stringify(release[name]) !== JSON.stringify(value)) {
      overridden ??= [];
      overridden.push(name);
    }
  }
  return { params, overridden: overridden ?? NONE };
}

function copy<K extends ParamName>(to: ChatParams, from: ChatParams, key: K): void {
  to[key] = from[key];
}
