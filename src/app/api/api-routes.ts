import { SluiceError } from '../../kernel/errors.js';
import type { ApiAction } from './tokens.js';

/** What a route's handler gets: the path's named parts, the query, the JSON body (POST) and the acting token's name. */
export interface ApiCall {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly actor: string;
}

/** One endpoint of the control API: the dispatcher and the OpenAPI document are both made from this table. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** Under /api/v1, with `{name}` for a path part, e.g. `/routes/{route}/status`. */
  readonly path: string;
  readonly action: ApiAction;
  readonly summary: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Body fields (all strings or numbers) and what they mean; `required` lists the mandatory ones. */
  readonly body?: { readonly fields: Readonly<Record<string, string>>; readonly required?: readonly string[] };
  run(call: ApiCall): Promise<unknown>;
}

/** The route and path parts a request matches, if any; a path that matches with another method is reported. */
export function matchRoute(
  routes: readonly ApiRoute[],
  method: string,
  parts: readonly string[],
): { route: ApiRoute; params: Record<string, string> } | { wrongMethod: boolean } {
  let wrongMethod = false;
  for (const route of routes) {
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const same = pattern.every((p, i) => {
      if (p.startsWith('{')) {
        if (parts[i] === '') return false;
        params[p.slice(1, -1)] = parts[i]!;
        return true;
      }
      return p === parts[i];
    });
    if (!same) continue;
    if (route.method === method) return { route, params };
    wrongMethod = true;
  }
  return { wrongMethod };
}

/** A non-empty trimmed string from a body field, else undefined. */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** A body field that must be a non-empty string. */
export function requiredText(body: Record<string, unknown>, field: string, why: string): string {
  const v = text(body[field]);
  if (!v) throw new SluiceError('bad_input', `${field} is required: ${why}`);
  return v;
}
