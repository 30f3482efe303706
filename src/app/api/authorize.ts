import { type Problem, type Result, err, ok } from '../../kernel/result.js';
import { allows, type ApiAction, requiredRole, type Role, tokenHash } from './tokens.js';

import type { TokenDirectory } from './control-api.js';

export type { TokenDirectory };

/** Who may act: the token's name and role, or null when no token exists (the API is open). */
export type Authorized = { readonly actor: string; readonly role: Role } | null;

/**
 * Checks a request's `Authorization: Bearer …` for an action: with no token
 * in the store every call is let through; with one, the bearer token must
 * exist and its role allow the action.
 */
export async function authorize(
  tokens: TokenDirectory,
  authorization: string | undefined,
  action: ApiAction,
): Promise<Result<Authorized, Problem<'unauthorized' | 'forbidden'>>> {
  if (!(await tokens.any())) return ok(null);
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const who = m ? await tokens.lookup(tokenHash(m[1]!)) : undefined;
  if (!who) return err('unauthorized', 'a bearer token is required (sluice token create --role …)');
  if (!allows(who.role, action))
    return err('forbidden', `${action} needs the ${requiredRole(action)} role; this token is ${who.role}`);
  return ok({ actor: who.name, role: who.role });
}
