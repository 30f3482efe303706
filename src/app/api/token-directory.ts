import type { Clock } from '../../kernel/clock.js';
import type { TokenDirectory } from './control-api.js';
import type { TokenStore } from './token-store.js';
import { ROLES, sameHash, tokenRefusal } from './tokens.js';

/**
 * The control API's view of the token table: a token is accepted when its hash
 * is stored (the stored hash compared with the presented one in constant time),
 * it is not revoked and not expired; an accepted token's last-used time is
 * recorded. Once any token has existed the API requires one, so revoking the
 * last token does not open it again.
 */
export function tokenDirectory(
  store: Pick<TokenStore, 'tokenCount' | 'tokenByHash' | 'touchToken'>,
  clock: Clock,
  onError: (e: unknown) => void = () => {},
): TokenDirectory {
  return {
    any: async () => (await store.tokenCount()) > 0,
    lookup: async (hash) => {
      const t = await store.tokenByHash(hash);
      if (!t || !sameHash(t.hash, hash) || tokenRefusal(t, clock.now()) !== undefined) return undefined;
      const role = ROLES.find((r) => r === t.role);
      if (role === undefined) return undefined;
      await store.touchToken(t.hash, new Date(clock.now()).toISOString()).catch(onError);
      return { name: t.name, role };
    },
  };
}
