import type { TokenRecord } from '../../api/token-store.js';
import { newToken, ROLES, tokenRefusal } from '../../api/tokens.js';
import { parseDuration } from '../../../kernel/duration.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** How `token list` names a token without showing it: the first 12 hex digits of its hash. */
const idOf = (t: TokenRecord): string => t.hash.slice(0, 12);

/** `token create --role R [--name N] [--expires 30d]`: a bearer token for the control API, printed once. */
export async function runTokenCreate(
  ctx: CliContext,
  opts: { role: string; name?: string; expires?: string },
): Promise<number> {
  const role = ROLES.find((r) => r === opts.role);
  if (role === undefined) throw new SluiceError('bad_usage', `--role must be one of ${ROLES.join(', ')}`);
  const now = ctx.clock.now();
  const expiresAt =
    opts.expires === undefined ? null : new Date(now + parseDuration(opts.expires, '--expires')).toISOString();
  const { token, hash } = newToken();
  const name = opts.name ?? `${ctx.actor}-${role}`;
  await (await ctx.store()).putToken({ hash, name, role, createdAt: new Date(now).toISOString(), expiresAt });
  ctx.print(
    { token, name, role, id: hash.slice(0, 12), expires_at: expiresAt },
    () =>
      `${token}\n(${role} token "${name}"${expiresAt ? `, expires ${expiresAt}` : ''}: shown once; the store keeps only its hash. Once a token exists, the control API requires one.)`,
  );
  return EXIT.ok;
}

/** `token list`: every token's id, name, role, expiry, last use and state (never the token). */
export async function runTokenList(ctx: CliContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = (await (await ctx.store()).listTokens()).map((t) => ({
    id: idOf(t),
    name: t.name,
    role: t.role,
    state: tokenRefusal(t, now) ?? 'active',
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  }));
  ctx.print(rows, () =>
    rows.length === 0
      ? 'no control-API tokens (create one with `sluice token create --role ROLE`)'
      : [
          'ID            NAME  ROLE  STATE  EXPIRES  LAST USED',
          ...rows.map(
            (r) =>
              `${r.id}  ${r.name}  ${r.role}  ${r.state}  ${r.expires_at ?? 'never'}  ${r.last_used_at ?? 'never'}`,
          ),
        ].join('\n'),
  );
  return EXIT.ok;
}

/** `token revoke NAME|ID`: the control API stops accepting it at once; the record stays (revoked). */
export async function runTokenRevoke(ctx: CliContext, which: string): Promise<number> {
  const revoked = await (await ctx.store()).revokeTokens(which, new Date(ctx.clock.now()).toISOString());
  if (revoked === 0) throw new SluiceError('not_found', `no active control-API token named "${which}" or with that id`);
  ctx.print({ revoked, which }, () => `revoked ${revoked} token(s) matching "${which}"`);
  return EXIT.ok;
}
