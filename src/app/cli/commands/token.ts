import { newToken, ROLES } from '../../api/tokens.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `token create --role R [--name N]`: a bearer token for the control API, printed once. */
export async function runTokenCreate(ctx: CliContext, opts: { role: string; name?: string }): Promise<number> {
  const role = ROLES.find((r) => r === opts.role);
  if (role === undefined) throw new SluiceError('bad_usage', `--role must be one of ${ROLES.join(', ')}`);
  const { token, hash } = newToken();
  const name = opts.name ?? `${ctx.actor}-${role}`;
  await (await ctx.store()).putToken({ hash, name, role });
  ctx.print(
    { token, name, role },
    () =>
      `${token}\n(${role} token "${name}": shown once; the store keeps only its hash. Once a token exists, the control API requires one.)`,
  );
  return EXIT.ok;
}
