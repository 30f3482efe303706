import type { Command } from '@commander-js/extra-typings';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

interface Entry {
  /** "register", or "audit export" for a command of a group. */
  readonly path: string;
  readonly description: string;
  /** Long option names, with the global ones. */
  readonly options: readonly { readonly long: string; readonly description: string }[];
}

const options = (c: Command) =>
  c.options.filter((o) => o.long !== undefined).map((o) => ({ long: o.long!, description: o.description }));

/** Every command of the program, groups first then their commands, with their options and the global ones. */
export function commandEntries(program: Command): Entry[] {
  const global = options(program);
  const out: Entry[] = [];
  const walk = (c: Command, prefix: string): void => {
    for (const sub of c.commands as Command[]) {
      const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
      out.push({ path, description: sub.description(), options: [...options(sub), ...global] });
      walk(sub, path);
    }
  };
  walk(program, '');
  return out;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(entries: readonly Entry[]): string {
  const top = entries.filter((e) => !e.path.includes(' ')).map((e) => e.path);
  const cases = entries.map((e) => {
    const subs = entries.filter(
      (s) => s.path.startsWith(`${e.path} `) && !s.path.slice(e.path.length + 1).includes(' '),
    );
    const words = [...subs.map((s) => s.path.split(' ').at(-1)!), ...e.options.map((o) => o.long)];
    return `    ${quote(e.path)}) words=${quote(words.join(' '))} ;;`;
  });
  return `# sluice completion for bash: source it, or put it in /etc/bash_completion.d/sluice
_sluice_completion() {
  local cur path="" w words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "\${path:+$path }$w" in
${entries.map((e) => `      ${quote(e.path)}) path=${quote(e.path)} ;;`).join('\n')}
    esac
  done
  case "$path" in
${cases.join('\n')}
    *) words=${quote([...top, '--project', '--json', '--actor', '--help', '--version'].join(' '))} ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _sluice_completion sluice
`;
}

function zsh(entries: readonly Entry[]): string {
  return `#compdef sluice
# sluice completion for zsh: put it on your fpath as _sluice, or source it
autoload -U +X bashcompinit && bashcompinit
${bash(entries).replace(/^# sluice completion for bash.*\n/, '')}`;
}

function fish(entries: readonly Entry[]): string {
  const lines = [
    '# sluice completion for fish: save as ~/.config/fish/completions/sluice.fish',
    'complete -c sluice -f',
  ];
  for (const e of entries) {
    const parts = e.path.split(' ');
    const name = parts.at(-1)!;
    const cond =
      parts.length === 1
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${parts[0]}; and not __fish_seen_subcommand_from ${entries
            .filter((s) => s.path.startsWith(`${parts[0]} `))
            .map((s) => s.path.split(' ')[1])
            .join(' ')}`;
    lines.push(`complete -c sluice -n ${quote(cond)} -a ${quote(name)} -d ${quote(e.description.slice(0, 80))}`);
    const seen = parts.length === 1 ? `__fish_seen_subcommand_from ${name}` : `__fish_seen_subcommand_from ${name}`;
    for (const o of e.options) {
      lines.push(
        `complete -c sluice -n ${quote(seen)} -l ${o.long.replace(/^--/, '')} -d ${quote(o.description.slice(0, 80))}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = { bash, zsh, fish } as const;

/** `sluice completion bash|zsh|fish`: the shell's completion script for every command and option, on stdout. */
export async function runCompletion(ctx: CliContext, shell: string): Promise<number> {
  if (!Object.hasOwn(SHELLS, shell))
    throw new SluiceError('bad_usage', `no completion for "${shell}": bash, zsh or fish`);
  const { buildProgram } = await import('../main.js');
  const program = buildProgram(ctx.io, false, async () => {});
  ctx.io.stdout(SHELLS[shell as keyof typeof SHELLS](commandEntries(program)));
  return EXIT.ok;
}
