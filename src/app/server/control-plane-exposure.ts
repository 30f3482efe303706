import { SluiceError } from '../../kernel/errors.js';
import { isLoopbackHost } from './loopback.js';

/**
 * `serve --host 0.0.0.0` with no control token would let anyone who reaches
 * the address start, promote or roll back a rollout: start-up is refused
 * (bad usage, exit 2) until a token exists. On loopback the API stays open
 * for local use.
 */
export function checkControlPlaneExposure(host: string, tokens: number): void {
  if (isLoopbackHost(host) || tokens > 0) return;
  throw new SluiceError(
    'bad_usage',
    `refusing to serve on ${host}: the control API would take rollout commands (roll, promote, rollback, shadow) from anyone who can reach that address, and no control token exists`,
    {
      detail:
        'create one first: sluice token create --role operator --name NAME (then send it as "Authorization: Bearer TOKEN"),\nor serve on loopback only: sluice serve --host 127.0.0.1',
    },
  );
}
