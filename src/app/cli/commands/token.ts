import { newToken, ROLES, type Role } from '../../api/tokens.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `token create --role R [--name N]`: a bearer token for the control API, printed once. */
export async function runTokenCreate(ctx: CliContext, opts: { role?: string; name?: string }): Promise<number> {
  if (!opts.role || !(ROLES as readonly string[]).includes(opts.role))
    throw new SluiceError('bad_usage', `--role must be one of ${ROLES.join(', ')}`);
  const { token, hash } = newToken();
  const name = opts.name ?? `${ctx.actor}-${opts.role}`;
  await (await ctx.store()).putToken({ hash, name, role: opts.role as Role });
  ctx.print(
    { token, name, role: opts.role },
    () =>
      `${token}\n(${opts.role} token "${name}": shown once; the store keeps only its hash. Once a token exists, the control API requires one.)`,
  );
  return EXIT.ok;
}
