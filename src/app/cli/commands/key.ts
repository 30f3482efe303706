import { newGatewayKey } from '../../../gateway/auth/gateway-keys.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, POSITIVE_INT } from '../number-flag.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `key create --name N [--routes R,…] [--rpm N]`: a gateway client key, printed once; the store keeps its hash. */
export async function runKeyCreate(
  ctx: CliContext,
  opts: { name: string; routes?: string; rpm?: string },
): Promise<number> {
  if (!opts.name || !NAME.test(opts.name))
    throw new SluiceError(
      'bad_usage',
      '--name must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  const rpm = numberFlag('--rpm', opts.rpm, POSITIVE_INT) ?? null;
  const routes =
    opts.routes === undefined
      ? null
      : opts.routes
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r.length > 0);
  if (routes !== null && routes.length === 0)
    throw new SluiceError('bad_usage', '--routes must name at least one route');
  const { key, hash } = newGatewayKey();
  await (await ctx.store()).putGatewayKey({ hash, name: opts.name, routes, rpm });
  ctx.print(
    { key, name: opts.name, routes, rpm },
    () =>
      `${key}\n(gateway key "${opts.name}"${routes ? ` for ${routes.join(', ')}` : ''}${rpm ? `, ${rpm} requests/minute` : ''}: shown once; the store keeps only its hash. Clients send it as "Authorization: Bearer <key>".)`,
  );
  return EXIT.ok;
}

/** `key list`: the keys' names, routes and limits (never the keys). */
export async function runKeyList(ctx: CliContext): Promise<number> {
  const keys = await (await ctx.store()).gatewayKeys();
  const rows = keys.map((k) => ({ name: k.name, routes: k.routes, rpm: k.rpm, createdAt: k.createdAt }));
  ctx.print(rows, () =>
    rows.length === 0
      ? 'no gateway keys (create one with `sluice key create --name NAME`)'
      : rows
          .map((k) => `${k.name}\t${k.routes ? k.routes.join(',') : '*'}\t${k.rpm ?? '-'} rpm\t${k.createdAt}`)
          .join('\n'),
  );
  return EXIT.ok;
}

/** `key revoke NAME`: the gateways stop accepting it within a second. */
export async function runKeyRevoke(ctx: CliContext, name: string): Promise<number> {
  const removed = await (await ctx.store()).revokeGatewayKey(name);
  if (!removed) throw new SluiceError('not_found', `no gateway key named "${name}"`);
  ctx.print({ revoked: name }, () => `revoked gateway key "${name}"`);
  return EXIT.ok;
}
