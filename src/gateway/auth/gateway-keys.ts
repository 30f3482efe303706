import { randomBytes } from 'node:crypto';
import { sameHex, sha256Hex } from '../../kernel/digest.js';
import { SerialTask } from '../../kernel/serial-task.js';
import type { GatewayKeyRecord, GatewayKeyStore } from '../gateway-key-store.js';

/** Every gateway key starts so: a presented key with this prefix that is not known is refused, never passed on. */
export const GATEWAY_KEY_PREFIX = 'sk-sluice-';

/** A new gateway key: shown once; only its hash is stored. */
export function newGatewayKey(): { key: string; hash: string } {
  const key = `${GATEWAY_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { key, hash: sha256Hex(key) };
}

/** A known client, as the gateway checks it on every request. */
export interface ClientKey {
  readonly name: string;
  /** The routes it may call; null: every route. */
  readonly routes: ReadonlySet<string> | null;
  readonly rpm: number | null;
}

/** The gateway's keys held in memory: a lookup is one hash and one map read, never a store read. */
export interface KeyTable {
  find(presented: string): ClientKey | undefined;
}

interface Held {
  readonly hash: string;
  readonly client: ClientKey;
}

function held(records: readonly GatewayKeyRecord[]): Map<string, Held> {
  const out = new Map<string, Held>();
  for (const r of records)
    out.set(r.hash, {
      hash: r.hash,
      client: { name: r.name, routes: r.routes ? new Set(r.routes) : null, rpm: r.rpm },
    });
  return out;
}

/** Finds a presented key by its hash, and confirms the hash in constant time. */
function lookup(keys: ReadonlyMap<string, Held>, presented: string): ClientKey | undefined {
  const hash = sha256Hex(presented);
  const h = keys.get(hash);
  return h && sameHex(h.hash, hash) ? h.client : undefined;
}

/** A key table from records (tests, embedding). */
export function memoryKeyTable(records: readonly GatewayKeyRecord[]): KeyTable {
  const keys = held(records);
  return { find: (presented) => lookup(keys, presented) };
}

export interface StoreKeyTableOptions {
  /** How often the keys are re-read (a key created or revoked by the CLI shows up within this). Default 1 s. */
  readonly pollMs?: number;
  /** A failed re-read (the table keeps the keys it had). */
  readonly onError?: (e: unknown) => void;
}

/** The key table kept from the store: read whole at open and then every `pollMs`, swapped in at once. */
export class StoreKeyTable implements KeyTable {
  private keys = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly reload = new SerialTask(async () => {
    this.keys = held(await this.store.gatewayKeys());
  });

  private constructor(
    private readonly store: Pick<GatewayKeyStore, 'gatewayKeys'>,
    private readonly opts: StoreKeyTableOptions,
  ) {}

  static async open(
    store: Pick<GatewayKeyStore, 'gatewayKeys'>,
    opts: StoreKeyTableOptions = {},
  ): Promise<StoreKeyTable> {
    const table = new StoreKeyTable(store, opts);
    await table.refresh();
    table.schedule();
    return table;
  }

  find(presented: string): ClientKey | undefined {
    return lookup(this.keys, presented);
  }

  get size(): number {
    return this.keys.size;
  }

  refresh(): Promise<void> {
    return this.reload.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.reload.idle();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((e: unknown) => this.opts.onError?.(e))
        .finally(() => this.schedule());
    }, this.opts.pollMs ?? 1000);
    this.timer.unref();
  }
}
