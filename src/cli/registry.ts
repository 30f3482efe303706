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
  {
    name: 'audit verify',
    define: (c) =>
      c
        .description('verify the audit log (or an exported bundle, offline)')
        .option('--bundle <file>', 'verify an `audit export` file instead of the store')
        .option('--key <key>', 'trust only this key: a verifier key (name+hex+base64), a PEM public key, or a file holding one'),
    load: async () => (await import('./commands/audit.js')).runAuditVerify,
  },
  {
    name: 'audit export',
    define: (c) => c.description('write the log as a self-contained bundle').requiredOption('--out <file>', 'where to write'),
    load: async () => (await import('./commands/audit.js')).runAuditExport,
  },
  {
    name: 'audit prove',
    define: (c) =>
      c
        .description('inclusion proof for an entry against the latest checkpoint')
        .argument('<index>')
        .option('--format <format>', 'json (default) or tlog-proof'),
    load: async () => (await import('./commands/audit.js')).runAuditProve,
  },
  {
    name: 'audit consistency',
    define: (c) => c.description('consistency proof from an older size to the latest checkpoint').argument('<old-size>'),
    load: async () => (await import('./commands/audit.js')).runAuditConsistency,
  },
  {
    name: 'audit checkpoint',
    define: (c) => c.description('print the latest signed checkpoint (a C2SP signed note)'),
    load: async () => (await import('./commands/audit.js')).runAuditCheckpoint,
  },
  {
    name: 'audit log',
    define: (c) =>
      c.description('list receipts, decoded').option('--kind <kind>', 'only this decision kind').option('--release <id>', 'only about this release'),
    load: async () => (await import('./commands/audit-log.js')).runAuditLog,
  },
];
