import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from '@commander-js/extra-typings';
import { loadProjectConfig } from '../src/config/load-config.js';
import { buildProgram } from '../src/app/cli/main.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

const REPO = resolve(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (file: string) => readFileSync(join(REPO, file), 'utf8');

/** Every `sluice_…` name the docs mention, with the file; a name ending in `_` names a family (a prefix). */
function metricMentions(): { file: string; name: string }[] {
  return DOCS.flatMap((file) => [...text(file).matchAll(/\bsluice_[a-z0-9_]+/g)].map((m) => ({ file, name: m[0] })));
}

/** Every `sluice COMMAND [SUBCOMMAND]` the docs mention (with or without npx). */
function commandMentions(): { file: string; words: string[] }[] {
  return DOCS.flatMap((file) =>
    [...text(file).matchAll(/\bsluice ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)].map((m) => ({
      file,
      words: [m[1]!, ...(m[2] ? [m[2]] : [])],
    })),
  );
}

let server: RunningServer | undefined;
let store: Store | undefined;
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('docs that cannot drift', () => {
  it('names only metrics that a running serve exposes on /metrics', async () => {
    const dir = starterProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const id = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', id);
    await cli('roll', id);
    store = await openStore(url, dir);
    server = await startServer({ store, config: loadProjectConfig(dir).value, projectDir: dir, env: {}, port: 0 });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'support-assistant',
        messages: [{ role: 'user', content: 'How do I reset my password?' }],
        metadata: { product: 'Acme Cloud' },
      }),
    });
    await res.text();
    const exposition = await (await fetch(`${server.url}/metrics`)).text();
    const live = new Set([...exposition.matchAll(/^# TYPE (sluice_[a-z0-9_]+) /gm)].map((m) => m[1]!));
    expect(live.size).toBeGreaterThan(10);
    const known = (name: string) =>
      name.endsWith('_')
        ? [...live].some((l) => l.startsWith(name))
        : live.has(name) || live.has(name.replace(/_(bucket|sum|count)$/, ''));
    const unknown = metricMentions().filter((m) => !known(m.name));
    expect(unknown, `metrics named in the docs that /metrics does not expose`).toEqual([]);
  });

  it('names only commands the CLI has', () => {
    const program = buildProgram({ stdout: () => {}, stderr: () => {} }, false, async () => {}) as unknown as Command;
    const top = new Map((program.commands as Command[]).map((c) => [c.name(), c]));
    const unknown = commandMentions().filter(({ words: [first, second] }) => {
      const cmd = top.get(first!);
      if (!cmd) return true;
      const subs = (cmd.commands as Command[]).map((c) => c.name());
      // a group's command must exist; a plain command's next word is an argument
      return subs.length > 0 && second !== undefined && !subs.includes(second) && cmd.registeredArguments.length === 0;
    });
    expect(
      unknown.map((u) => `${u.file}: sluice ${u.words.join(' ')}`),
      'commands named in the docs that the CLI does not have',
    ).toEqual([]);
    // and the docs mention what a newcomer needs
    const mentioned = new Set(commandMentions().map((m) => m.words[0]));
    for (const c of ['init', 'validate', 'register', 'gate', 'roll', 'serve', 'traffic', 'status', 'completion'])
      expect(mentioned.has(c), `sluice ${c} in the docs`).toBe(true);
  });
});
