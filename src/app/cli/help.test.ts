import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandEntries } from './commands/completion.js';
import { buildProgram, main } from './main.js';

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return main(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
  }).then((code) => ({ code, out, err }));
}

const program = buildProgram({ stdout: () => {}, stderr: () => {} }, false, async () => {});

describe('the command line help', () => {
  it('describes every command, argument and option', () => {
    const missing: string[] = [];
    const walk = (c: typeof program, path: string): void => {
      for (const sub of c.commands as (typeof program)[]) {
        const name = `${path}${sub.name()}`;
        if (!sub.description()) missing.push(`${name}: command`);
        for (const a of sub.registeredArguments) if (!a.description) missing.push(`${name} <${a.name()}>`);
        for (const o of sub.options) if (!o.description) missing.push(`${name} ${o.flags}`);
        walk(sub, `${name} `);
      }
    };
    walk(program, '');
    expect(missing).toEqual([]);
  });

  it('marks required options in help, and the parser enforces them (exit 2)', async () => {
    const help = await run(['audit', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--out <file> +where to write it; - for stdout \(required\)/);
    const missing = await run(['audit', 'export']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/required option '--out <file>' not specified/);
    expect((await run(['key', 'create', '--help'])).out.replace(/\s+/g, ' ')).toMatch(
      /--name <name> the client: goes into traces \(and can be the sticky key\) \(required\)/,
    );
    const rollback = await run(['rollback', '--help']);
    expect(rollback.out.replace(/\s+/g, ' ')).toMatch(
      /--reason <text> why \(recorded in the receipt; required without --to\)/,
    );
    expect(rollback.out).toMatch(/--route <route> +the route \(default: the project's only route\)/);
    expect(rollback.out).toMatch(/--no-wait/);
    const serve = await run(['serve', '--help']);
    expect(serve.out).toMatch(/observer/);
    expect(serve.out).toMatch(/--log-requests/);
    expect((await run(['diff', '--help'])).out).toMatch(/\n +a +the release diffed from/);
  });

  it('completes commands, subcommands and options in bash, and writes zsh and fish scripts', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const r = spawnSync(
        'bash',
        [
          '-c',
          `${bash.out}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sluice_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(complete('sluice reg')).toEqual(['register']);
    expect(complete('sluice audit ex')).toEqual(['export']);
    expect(complete('sluice audit export --o')).toEqual(['--out']);
    expect(complete('sluice --project x rollback --re')).toEqual(['--reason']);
    expect(complete('sluice ')).toEqual(expect.arrayContaining(['init', 'validate', 'traffic', 'completion', 'audit']));

    const zsh = await run(['completion', 'zsh']);
    expect(zsh.out).toMatch(/^#compdef sluice/);
    expect(zsh.out).toContain('complete -o default -F _sluice_completion sluice');
    const fish = await run(['completion', 'fish']);
    for (const e of commandEntries(program)) expect(fish.out).toContain(`-a '${e.path.split(' ').at(-1)}'`);
    expect(fish.out).toMatch(/__fish_seen_subcommand_from export' -l out -d 'where to write it; - for stdout'/);
    const bad = await run(['completion', 'powershell']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bash, zsh or fish/);
  });
});
