import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadProjectConfig } from '../config/load-config.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { openStore, storeUrl } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly isTTY: boolean;
}

export interface GlobalOptions {
  project?: string;
  json?: boolean;
  actor?: string;
}

/** What every command gets: where the project is, how to print, who is acting, and lazy config and store. */
export class CliContext {
  readonly projectDir: string;
  readonly json: boolean;
  private loadedConfig: SluiceConfig | undefined;
  private openedStore: Store | undefined;

  constructor(
    readonly io: CliIo,
    private readonly opts: GlobalOptions,
    readonly now: () => Date = () => new Date(),
  ) {
    this.projectDir = resolve(io.cwd, opts.project ?? '.');
    this.json = opts.json === true;
  }

  get actor(): string {
    return this.opts.actor || this.io.env.SLUICE_ACTOR || safeUsername();
  }

  config(): SluiceConfig {
    this.loadedConfig ??= loadProjectConfig(this.projectDir).value;
    return this.loadedConfig;
  }

  async store(): Promise<Store> {
    this.openedStore ??= await openStore(storeUrl(this.config().store, this.io.env), this.projectDir);
    return this.openedStore;
  }

  /** Prints one JSON document (with --json) or the human text. */
  print(json: unknown, human: () => string): void {
    if (this.json) this.io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    else this.io.stdout(`${human()}\n`);
  }

  /** Human-only notes: on stderr, so --json stdout stays one document. */
  note(text: string): void {
    if (!this.json) this.io.stderr(`${text}\n`);
  }

  async close(): Promise<void> {
    await this.openedStore?.close();
  }
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
