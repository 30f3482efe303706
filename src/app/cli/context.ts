import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { SluiceConfig } from '../../config/sluice-schema.js';
import { type Clock, systemClock } from '../../kernel/clock.js';
import type { Project } from '../project.js';
import type { Store } from '../../store/store.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Whether stdout is a terminal. */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal (progress lines are drawn there), and how wide. */
  readonly stderrIsTTY?: boolean;
  readonly stderrColumns?: number;
  /** Set when this is the process's own command line (bin/sluice.js): the arguments it was started with. */
  readonly processArgv?: readonly string[];
}

export interface GlobalOptions {
  project?: string;
  json?: boolean;
  actor?: string;
}

/** What every command gets: where the project is, how to print, who is acting, and the project's parts, built on first use. */
export class CliContext {
  readonly projectDir: string;
  readonly json: boolean;
  private loadedConfig: SluiceConfig | undefined;
  private openedStore: Store | undefined;
  private builtProject: Project | undefined;

  constructor(
    readonly io: CliIo,
    private readonly opts: GlobalOptions,
    readonly clock: Clock = systemClock,
  ) {
    this.projectDir = resolve(io.cwd, opts.project ?? '.');
    this.json = opts.json === true;
  }

  get actor(): string {
    return this.opts.actor || this.io.env.SLUICE_ACTOR || safeUsername();
  }

  // Config and store modules are imported on first use so `sluice --help` starts fast.
  async config(): Promise<SluiceConfig> {
    if (!this.loadedConfig) {
      const { loadProjectConfig } = await import('../../config/load-config.js');
      this.loadedConfig = loadProjectConfig(this.projectDir).value;
    }
    return this.loadedConfig;
  }

  async store(): Promise<Store> {
    if (!this.openedStore) {
      const { openStore, storeUrl } = await import('../../store/open-store.js');
      this.openedStore = await openStore(storeUrl((await this.config()).store, this.io.env), this.projectDir);
    }
    return this.openedStore;
  }

  /** The project's parts (providers, ledger, services), built once from the config and store. */
  async project(): Promise<Project> {
    if (!this.builtProject) {
      const { Project } = await import('../project.js');
      this.builtProject = new Project({
        config: await this.config(),
        store: await this.store(),
        projectDir: this.projectDir,
        env: this.io.env,
        clock: this.clock,
      });
    }
    return this.builtProject;
  }

  /**
   * The files no report may replace, wherever they are: a SQLite store's file
   * (and its -wal, -shm and -journal) and a signing key named by `audit.key`.
   */
  async protectedFiles(): Promise<string[]> {
    const { sqliteFile, storeUrl } = await import('../../store/open-store.js');
    const config = await this.config();
    const db = sqliteFile(storeUrl(config.store, this.io.env), this.projectDir);
    const files = db && db !== ':memory:' ? [db, `${db}-wal`, `${db}-shm`, `${db}-journal`] : [];
    if (config.audit.key) files.push(resolve(this.projectDir, config.audit.key));
    return files;
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
    await this.builtProject?.close();
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
