import type { Command } from 'commander';
import type { CliContext } from './context.js';

// Each command's implementation is imported only when it runs, so `sluice --help` stays fast.
export type CommandRun = (ctx: CliContext, ...args: never[]) => Promise<number>;

export interface CommandSpec {
  readonly name: string;
  define(cmd: Command): Command;
  load(): Promise<CommandRun>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    define: (c) => c.description('scaffold a working example project in the project folder').option('--force', 'overwrite existing files'),
    load: async () => (await import('./commands/init.js')).runInit,
  },
  {
    name: 'register',
    define: (c) => c.description('register a release manifest (same content, same id)').argument('<file>', 'release manifest (YAML)'),
    load: async () => (await import('./commands/register.js')).runRegister,
  },
  {
    name: 'show',
    define: (c) => c.description('print a release\'s resolved manifest').argument('<id>', 'release id or unique hex prefix'),
    load: async () => (await import('./commands/show.js')).runShow,
  },
  {
    name: 'diff',
    define: (c) => c.description('the components that differ between two releases').argument('<a>').argument('<b>'),
    load: async () => (await import('./commands/diff.js')).runDiff,
  },
  {
    name: 'releases',
    define: (c) => c.description('list registered releases').option('--route <route>', 'only this route'),
    load: async () => (await import('./commands/releases.js')).runReleases,
  },
];
