import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { CliContext } from './context.js';

/** What a command does once parsed: its arguments in order, then its options; resolves to the exit code. */
export type CommandRun<Args extends unknown[], Opts extends OptionValues> = (
  ctx: CliContext,
  ...params: [...Args, Opts]
) => Promise<number>;

/** A declared command as the CLI sees it, its argument and option types kept inside. */
export interface CliCommand {
  /** "audit verify" names the `verify` subcommand of `audit`. */
  readonly name: string;
  /**
   * Declares the command on `cmd`. When it runs, `start` gets the call of its run with the parsed
   * arguments and options, and gives it the context.
   */
  attach(cmd: Command, start: (run: (ctx: CliContext) => Promise<number>) => Promise<void>): void;
}

/**
 * One command, declared once: `define` adds its arguments and options to the commander `Command`,
 * and the types of the command it returns are the ones the run given to `load` must accept (a
 * mismatch does not compile). `load` imports the implementation only when the command runs, so
 * `sluice --help` stays fast.
 */
export function defineCommand<Args extends unknown[], Opts extends OptionValues>(command: {
  readonly name: string;
  define(cmd: Command): Command<Args, Opts>;
}): { load(load: () => Promise<CommandRun<Args, Opts>>): CliCommand } {
  return {
    load: (load) => ({
      name: command.name,
      attach(cmd, start) {
        const declared = command.define(cmd);
        declared.action(() => start(async (ctx) => (await load())(ctx, ...declared.processedArgs, declared.opts())));
      },
    }),
  };
}

const ROUTE_HELP = "the route (default: the project's only route)";

/** The bounded wait of roll and the rollout commands for the controller to act. */
function withWait<Args extends unknown[], Opts extends OptionValues>(c: Command<Args, Opts>) {
  return c
    .option('--no-wait', 'return at once, without waiting for the controller to act')
    .option('--wait-seconds <s>', 'how long to wait for the controller to act (default 15)');
}

export const COMMANDS: readonly CliCommand[] = [
  defineCommand({
    name: 'demo',
    define: (c) =>
      c
        .description('replay the ten failures Sluice catches, each through its stage, on the embedded store')
        .option('--keep <dir>', 'keep the demo project in DIR'),
  }).load(async () => (await import('./commands/demo.js')).runDemoCommand),
  defineCommand({
    name: 'init',
    define: (c) =>
      c
        .description('scaffold a working example project in the project folder')
        .option('--force', 'overwrite existing files'),
  }).load(async () => (await import('./commands/init.js')).runInit),
  defineCommand({
    name: 'completion',
    define: (c) =>
      c
        .description(
          'print the shell completion script: source <(sluice completion bash), or save it where your shell loads completions',
        )
        .argument('<shell>', 'bash, zsh or fish'),
  }).load(async () => (await import('./commands/completion.js')).runCompletion),
  defineCommand({
    name: 'validate',
    define: (c) =>
      c
        .description(
          'check sluice.yaml and release files as register reads them, writing nothing (exit 2 naming file, line and key)',
        )
        .argument('[files...]', 'files to check (default: sluice.yaml, and release.yaml when there is one)'),
  }).load(async () => (await import('./commands/validate.js')).runValidate),
  defineCommand({
    name: 'register',
    define: (c) =>
      c
        .description('register a release manifest (same content, same id)')
        .argument('<file>', 'release manifest (YAML)'),
  }).load(async () => (await import('./commands/register.js')).runRegister),
  defineCommand({
    name: 'show',
    define: (c) =>
      c.description("print a release's resolved manifest").argument('<id>', 'release id or unique hex prefix'),
  }).load(async () => (await import('./commands/show.js')).runShow),
  defineCommand({
    name: 'diff',
    define: (c) =>
      c
        .description(
          'what differs between two releases: each changed component, prompts as a unified diff of their text, the other components as a diff of their settings',
        )
        .argument('<a>', 'the release diffed from: id or unique hex prefix')
        .argument('<b>', 'the release diffed to: id or unique hex prefix'),
  }).load(async () => (await import('./commands/diff.js')).runDiff),
  defineCommand({
    name: 'releases',
    define: (c) => c.description('list registered releases').option('--route <route>', 'only this route'),
  }).load(async () => (await import('./commands/releases.js')).runReleases),
  defineCommand({
    name: 'attest-weights',
    define: (c) =>
      c
        .description('hash a model folder into an OpenSSF model-signing manifest (in-toto statement)')
        .argument('<dir>', 'model folder')
        .option(
          '--ignore <path>',
          'leave out this path, relative to the folder (repeatable)',
          (v: string, prev: string[] = []) => [...prev, v],
        )
        .option(
          '--verify <digest>',
          'check the folder against this root digest (sha256:<hex>) instead of printing a manifest',
        )
        .option('--manifest <file>', 'with --verify: the expected manifest, to name the first differing file'),
  }).load(async () => (await import('./commands/attest-weights.js')).runAttestWeights),
  defineCommand({
    name: 'gate',
    define: (c) =>
      c
        .description("run the release's suite on the serving path and judge it per slice")
        .argument('<id>', 'release id or unique hex prefix')
        .option('--baseline <id>', "compare against this release (default: the route's stable)")
        .option('--concurrency <n>', 'items in flight at once (default 16)')
        .option('--sample <n>', 'run a stratified sample of N items')
        .option('--max-cost <usd>', 'stop cleanly once this much was spent (partial report)')
        .option('--max-tokens <n>', 'stop cleanly once this many tokens were used (partial report)')
        .option('--junit <file>', 'write a JUnit report (one testcase per slice)')
        .option('--markdown <file>', 'write a Markdown summary for a pull request')
        .option('--html <file>', 'write a self-contained HTML report')
        .option('--force', 'replace report files even when they are not earlier reports of the same kind')
        .option('--force-gate-override', 'accept the release whatever the verdict (recorded with --override-reason)')
        .option('--override-reason <text>', 'why the gate is overridden (required with --force-gate-override)'),
  }).load(async () => (await import('./commands/gate.js')).runGateCommand),
  defineCommand({
    name: 'sim',
    define: (c) =>
      c
        .description('serve the simulated models over an OpenAI-compatible API until Ctrl-C')
        .option('--port <port>', 'port (default 8788; 0 picks a free one)')
        .option('--host <host>', 'address (default 127.0.0.1)')
        .option('--models <file>', "a sim models YAML (relative to the project) instead of the sim provider's")
        .option('--provider <name>', 'which sim provider of sluice.yaml (default: the first)')
        .option('--seed <n>', "seed (default: the provider's, else 0)")
        .option('--time-scale <x>', 'multiply simulated latencies (1 real time, 0 none)'),
  }).load(async () => (await import('./commands/sim.js')).runSim),
  defineCommand({
    name: 'traffic',
    define: (c) =>
      c
        .description(
          "send the suite's questions to a route through the gateway at a steady rate, as many users would, printing the rollout's progress every 5 s",
        )
        .option('--url <url>', 'the gateway (default http://127.0.0.1:8787)')
        .option('--route <route>', ROUTE_HELP)
        .option('--rps <n>', 'requests a second (default 50)')
        .option('--duration <s>', 'stop after this many seconds (default 60; 600 with --until-settled)')
        .option('--requests <n>', 'stop after this many requests')
        .option('--concurrency <n>', 'requests in flight at most (default 32)')
        .option('--users <n>', 'distinct users (sticky keys) the requests come from (default 500)')
        .option('--suite <file>', "questions to send, a suite JSONL (default: release.yaml's dataset.suite)")
        .option('--key <key>', 'a gateway key (sluice key create), sent as the bearer token')
        .option('--until-settled', 'stop once the rollout is promoted, rolled back, aborted or paused'),
  }).load(async () => (await import('./commands/traffic.js')).runTraffic),
  defineCommand({
    name: 'serve',
    define: (c) =>
      c
        .description(
          'run the gateway (OpenAI-compatible), the rollout controller, the production observer and the control API; logs one line per decision, alert and error',
        )
        .option('--port <port>', 'port (default 8787)')
        .option(
          '--host <host>',
          'address (default 127.0.0.1; beyond loopback, gateway keys and control-API tokens are required)',
        )
        .option('--no-controller', 'gateway only: leave the rollouts and the observer to another process')
        .option('--log-requests', 'also log one line per request (route, arm, status, latency; never content)')
        .option('--log-format <format>', 'json or pretty (default: pretty on a terminal, else json)'),
  }).load(async () => (await import('./commands/serve.js')).runServe),
  defineCommand({
    name: 'ui',
    define: (c) =>
      c
        .description("the dashboard, read-only, on the project's store without the gateway")
        .option('--port <port>', 'port (default 8788)')
        .option('--host <host>', 'address (default 127.0.0.1)'),
  }).load(async () => (await import('./commands/ui.js')).runUi),
  defineCommand({
    name: 'roll',
    define: (c) =>
      withWait(
        c
          .description(
            "start a canary rollout of a gated release (a route's first release becomes stable at once); waits until the controller set the first step, then prints the status",
          )
          .argument('<id>', 'release id or unique hex prefix'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runRoll),
  defineCommand({
    name: 'status',
    define: (c) =>
      c
        .description(
          "the route's rollout: phase, weight, the step's requests and dwell against what it needs, monitors and their evidence, events",
        )
        .option('--route <route>', ROUTE_HELP),
  }).load(async () => (await import('./commands/rollout.js')).runStatus),
  defineCommand({
    name: 'promote',
    define: (c) =>
      withWait(
        c
          .description('send 100% to the candidate now')
          .option('--route <route>', ROUTE_HELP)
          .option('--reason <text>', 'why (recorded in the receipt)'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runPromote),
  defineCommand({
    name: 'pause',
    define: (c) =>
      withWait(
        c
          .description('hold the canary at its weight')
          .option('--route <route>', ROUTE_HELP)
          .option('--reason <text>', 'why (recorded in the receipt)'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runPause),
  defineCommand({
    name: 'resume',
    define: (c) =>
      withWait(
        c
          .description('continue a paused rollout')
          .option('--route <route>', ROUTE_HELP)
          .option('--reason <text>', 'why (recorded in the receipt)'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runResume),
  defineCommand({
    name: 'abort',
    define: (c) =>
      withWait(
        c
          .description('stop the rollout: canary 0%, stable unchanged')
          .option('--route <route>', ROUTE_HELP)
          .option('--reason <text>', 'why (recorded in the receipt)'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runAbort),
  defineCommand({
    name: 'rollback',
    define: (c) =>
      withWait(
        c
          .description('back to the stable release (one pointer swap), or to an earlier release with --to')
          .option('--route <route>', ROUTE_HELP)
          .option('--to <id>', 'an earlier release of the route')
          .option('--reason <text>', 'why (recorded in the receipt; required without --to)'),
      ),
  }).load(async () => (await import('./commands/rollout.js')).runRollback),
  defineCommand({
    name: 'shadow',
    define: (c) =>
      c
        .description(
          "mirror a share of the route's stable traffic to a release (its answers are stored in pairs, never returned); without an id, shows the shadow",
        )
        .argument('[id]', 'release id or unique hex prefix')
        .option('--percent <p>', 'share of the stable requests mirrored, above 0 up to 100 (default 100)')
        .option('--stop', 'stop mirroring')
        .option('--route <route>', ROUTE_HELP),
  }).load(async () => (await import('./commands/shadow.js')).runShadow),
  defineCommand({
    name: 'shadow report',
    define: (c) =>
      c
        .description(
          'compare the stored stable/shadow pairs: win rate per slice (judged in both orders), refusal, length, latency and cost deltas',
        )
        .option('--route <route>', ROUTE_HELP)
        .option(
          '--release <id>',
          "the shadow release (default: the route's current shadow, else the latest with pairs)",
        )
        .option('--max-pairs <n>', 'only the most recent N pairs')
        .option('--markdown <file>', 'write a Markdown summary')
        .option('--html <file>', 'write a self-contained HTML report')
        .option('--force', 'replace report files even when they are not earlier reports of the same kind')
        // `shadow` has a --route too, and takes it wherever it stands: hand it down.
        .hook('preAction', (cmd) => {
          const route = cmd.parent?.getOptionValue('route');
          if (typeof route === 'string' && cmd.getOptionValue('route') === undefined)
            cmd.setOptionValue('route', route);
        }),
  }).load(async () => (await import('./commands/shadow.js')).runShadowReport),
  defineCommand({
    name: 'replay',
    define: (c) =>
      c
        .description(
          're-run recorded production inputs through a release and score them per slice against what production served',
        )
        .argument('<id>', 'release id or unique hex prefix')
        .option('--since <duration>', 'traces from this long ago on: 30m, 1h, 2d (default 24h)')
        .option('--limit <n>', 'at most this many traces, the newest (default 200)')
        .option('--concurrency <n>', 'traces in flight at once (default 8)'),
  }).load(async () => (await import('./commands/replay.js')).runReplay),
  defineCommand({
    name: 'forensics',
    define: (c) =>
      c
        .description("export a rollout's candidate traces, shadow pairs and receipts (kept after a rollback)")
        .argument('<rollout>', 'rollout id (`status --json` → "rollout")')
        .requiredOption('--out <file>', 'where to write the JSON')
        .option('--force', 'replace the file even when it is not an earlier forensics export'),
  }).load(async () => (await import('./commands/forensics.js')).runForensics),
  defineCommand({
    name: 'traces erase',
    define: (c) =>
      c
        .description('erase stored trace and shadow-pair content (digests and metrics kept; the ledger still verifies)')
        .option('--user <key>', "the sticky key: the request's user field or sticky header value")
        .option('--before <date>', 'content created before this date or date-time (ISO 8601)')
        .option(
          '--vacuum',
          'PostgreSQL: then rewrite the trace tables (VACUUM FULL, which locks them while it runs) so no replaced row version stays in them',
        ),
  }).load(async () => (await import('./commands/traces.js')).runTracesErase),
  defineCommand({
    name: 'key create',
    define: (c) =>
      c
        .description('a gateway client key (shown once; stored hashed)')
        .requiredOption('--name <name>', 'the client: goes into traces (and can be the sticky key)')
        .option('--routes <routes>', 'comma-separated routes the key may call (default: every route)')
        .option('--rpm <n>', 'requests per minute the key may make (429 past it)'),
  }).load(async () => (await import('./commands/key.js')).runKeyCreate),
  defineCommand({
    name: 'key list',
    define: (c) => c.description('the gateway keys: names, routes and limits'),
  }).load(async () => (await import('./commands/key.js')).runKeyList),
  defineCommand({
    name: 'key revoke',
    define: (c) => c.description('remove a gateway key').argument('<name>', "the key's name (key list shows them)"),
  }).load(async () => (await import('./commands/key.js')).runKeyRevoke),
  defineCommand({
    name: 'token create',
    define: (c) =>
      c
        .description('a bearer token for the control API')
        .requiredOption('--role <role>', 'viewer, operator or approver')
        .option('--name <name>', 'what the token is for, shown by token list (default: ACTOR-ROLE)')
        .option('--expires <duration>', 'stop accepting it after this long (30m, 12h, 30d, 1w); default: never'),
  }).load(async () => (await import('./commands/token.js')).runTokenCreate),
  defineCommand({
    name: 'token list',
    define: (c) => c.description('list control-API tokens: id, name, role, state, expiry, last use (never the token)'),
  }).load(async () => (await import('./commands/token.js')).runTokenList),
  defineCommand({
    name: 'token revoke',
    define: (c) =>
      c
        .description('stop accepting a control-API token at once (by name, or by the id `token list` shows)')
        .argument('<name-or-id>', "the token's name or id (token list shows them)"),
  }).load(async () => (await import('./commands/token.js')).runTokenRevoke),
  defineCommand({
    name: 'audit verify',
    define: (c) =>
      c
        .description('verify the audit log (or an exported bundle, offline)')
        .option('--bundle <file>', 'verify an `audit export` file instead of the store')
        .option(
          '--key <key>',
          'trust only this key: a verifier key (name+hex+base64), a PEM public key, or a file holding one',
        )
        .option(
          '--checkpoint <file>',
          'a witnessed checkpoint (from `audit checkpoint --out`): the log must still extend it (consistency proof)',
        )
        .option(
          '--trust-bundle-key',
          "with --bundle and no --key outside a project: trust the bundle's own key (checks consistency only, not the signer)",
        ),
  }).load(async () => (await import('./commands/audit.js')).runAuditVerify),
  defineCommand({
    name: 'audit export',
    define: (c) =>
      c
        .description('write the log as a self-contained bundle {origin, verifier_key, checkpoint, entries}')
        .requiredOption('--out <file>', 'where to write it; - for stdout')
        .option('--force', 'replace the file even when it is not an earlier audit bundle'),
  }).load(async () => (await import('./commands/audit.js')).runAuditExport),
  defineCommand({
    name: 'audit prove',
    define: (c) =>
      c
        .description('inclusion proof for an entry against the latest checkpoint')
        .argument('<index>', "the entry's index in the log (audit log shows them)")
        .option('--format <format>', 'json (default) or tlog-proof'),
  }).load(async () => (await import('./commands/audit.js')).runAuditProve),
  defineCommand({
    name: 'audit consistency',
    define: (c) =>
      c
        .description('consistency proof from an older size to the latest checkpoint')
        .argument('<old-size>', 'the size of the older tree (a checkpoint you hold)'),
  }).load(async () => (await import('./commands/audit.js')).runAuditConsistency),
  defineCommand({
    name: 'audit checkpoint',
    define: (c) =>
      c
        .description('print the latest signed checkpoint (a C2SP signed note)')
        .option('--out <file>', 'write it to FILE for a witness to keep outside the store')
        .option('--force', 'replace the file even when it is not an earlier signed checkpoint'),
  }).load(async () => (await import('./commands/audit.js')).runAuditCheckpoint),
  defineCommand({
    name: 'audit rotate-key',
    define: (c) => c.description('start signing with a new key under .sluice/keys/ (old entries stay verifiable)'),
  }).load(async () => (await import('./commands/audit.js')).runAuditRotateKey),
  defineCommand({
    name: 'audit log',
    define: (c) =>
      c
        .description('list receipts, decoded')
        .option('--kind <kind>', 'only this decision kind')
        .option('--release <id>', 'only about this release')
        .option('--by <actor>', 'only decisions signed as made by this actor'),
  }).load(async () => (await import('./commands/audit-log.js')).runAuditLog),
];
