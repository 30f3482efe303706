import { Command, CommanderError, type CommandUnknownOpts, Help, Option } from '@commander-js/extra-typings';
import { VERSION } from '../version.js';
import { formatLocation, SluiceError } from '../../kernel/errors.js';
import { CliContext, type CliIo, type GlobalOptions } from './context.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import { COMMANDS } from './registry.js';

function defaultIo(argv: readonly string[]): CliIo {
  return {
    processArgv: argv,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    get stderrColumns() {
      return process.stderr.columns;
    },
  };
}

/** "audit verify" → the `verify` subcommand of `audit`, creating the group on first use. */
function subcommand(program: CommandUnknownOpts, name: string): Command {
  const [group, leaf] = name.split(' ');
  if (leaf === undefined) return program.command(name);
  let parent = program.commands.find((c) => c.name() === group);
  if (!parent) parent = program.command(group!).description(`${group} commands`);
  return parent.command(leaf);
}

function reportError(e: unknown, io: CliIo, json: boolean): number {
  const err =
    e instanceof SluiceError
      ? e
      : e instanceof CommanderError
        ? new SluiceError('bad_usage', e.message.replace(/^error: /, ''))
        : new SluiceError('internal', (e as Error)?.message ?? String(e), { cause: e });
  if (json) {
    const body: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.detail) body.detail = err.detail;
    if (err.location) body.location = err.location;
    io.stdout(`${JSON.stringify({ error: body }, null, 2)}\n`);
  } else {
    const loc = err.location;
    const named =
      loc?.file !== undefined && err.message.includes(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
    const where = loc && !named ? ` [${formatLocation(loc)}]` : '';
    io.stderr(`sluice: ${err.message}${where}\n`);
    if (err.detail) io.stderr(`  ${err.detail.replace(/\n/g, '\n  ')}\n`);
    if (err.code === 'internal' && io.env.SLUICE_DEBUG) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
  }
  return exitCodeFor(err.code);
}

/**
 * The whole command line as commander sees it: the global options and every command of the
 * registry, each calling `start` with its run when parsed. Help marks required options.
 */
export function buildProgram(
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  json: boolean,
  start: (run: (ctx: CliContext) => Promise<number>, program: Command) => Promise<void>,
): Command {
  const program = new Command('sluice')
    .description(
      'Release control for LLM applications: register, gate, roll, observe — every decision in a verifiable log.',
    )
    .version(VERSION)
    .addOption(new Option('--project <dir>', 'project folder holding sluice.yaml (default: current folder)'))
    .addOption(new Option('--json', 'print one JSON document on stdout'))
    .addOption(new Option('--actor <name>', 'who is acting (default: $SLUICE_ACTOR, else the OS user)'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => {
        if (!json) io.stderr(s);
      },
      outputError: () => {},
    })
    .configureHelp({
      optionDescription: (option) => {
        const base = new Help().optionDescription(option);
        return option.mandatory ? `${base} (required)` : base;
      },
    })
    .showHelpAfterError(false);
  for (const command of COMMANDS) {
    command.attach(subcommand(program as unknown as CommandUnknownOpts, command.name), (run) => start(run, program));
  }
  return program as unknown as Command;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so tests run it in-process. */
export async function main(argv: readonly string[], io: CliIo = defaultIo(argv)): Promise<number> {
  const json = argv.includes('--json');
  let exitCode: number = EXIT.ok;
  let ctx: CliContext | undefined;
  const program = buildProgram(io, json, async (run, p) => {
    ctx = new CliContext(io, p.opts() as GlobalOptions);
    exitCode = await run(ctx);
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (
      e instanceof CommanderError &&
      (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
    ) {
      return EXIT.ok;
    }
    exitCode = reportError(e, io, json);
  } finally {
    await ctx?.close().catch(() => {});
  }
  return exitCode;
}
