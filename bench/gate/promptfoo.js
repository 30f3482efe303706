// promptfoo side by side: the same suite items, the same upstream (its
// openai:chat provider with apiBaseUrl on the local upstream), a `javascript`
// assertion computing SQuAD token F1 against the reference (what Sluice's
// `reference` judge computes), the same concurrency (-j). The config is
// written to a temporary folder at run time.
// promptfoo is not a project dependency: it is run from PROMPTFOO_BIN, else
// /tmp/pf/node_modules/.bin/promptfoo (npm install promptfoo in /tmp/pf), and
// reported as skipped when neither is there.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function promptfooBin() {
  const candidates = [process.env.PROMPTFOO_BIN, '/tmp/pf/node_modules/.bin/promptfoo'].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

// SQuAD normalization and token F1, as in src/judging/squad-normalize.ts.
const F1_ASSERTION = `
const PUNCTUATION = /[\\p{P}\\p{S}]/gu;
const ARTICLES = /\\b(a|an|the)\\b/g;
function tokens(text) {
  const n = String(text).toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ').split(/\\s+/u).filter(Boolean);
  return n;
}
module.exports = (output, context) => {
  const pred = tokens(output);
  const gold = tokens(context.vars.reference);
  let f1;
  if (pred.length === 0 || gold.length === 0) f1 = pred.length === gold.length ? 1 : 0;
  else {
    const counts = new Map();
    for (const t of gold) counts.set(t, (counts.get(t) || 0) + 1);
    let same = 0;
    for (const t of pred) {
      const c = counts.get(t) || 0;
      if (c > 0) { same++; counts.set(t, c - 1); }
    }
    const p = same / pred.length;
    const r = same / gold.length;
    f1 = same === 0 ? 0 : (2 * p * r) / (p + r);
  }
  return { pass: f1 >= 0.65, score: f1, reason: 'token F1 ' + f1.toFixed(3) };
};
`;

/**
 * Writes promptfooconfig.yaml, prompt.json, tests.jsonl and f1.js into `dir` for `items`
 * (suite items as in the JSONL). The system prompt is the release's template; product
 * is given already lower-cased, as the release's preprocessing makes it, so the
 * upstream sees the same conversation as from Sluice.
 */
export function writePromptfooConfig(dir, { items, systemTemplate, upstreamUrl, model }) {
  mkdirSync(dir, { recursive: true });
  const prompt = [
    { role: 'system', content: systemTemplate },
    { role: 'user', content: '{{input}}' },
  ];
  writeFileSync(join(dir, 'prompt.json'), JSON.stringify(prompt));
  writeFileSync(
    join(dir, 'tests.jsonl'),
    `${items.map((it) => JSON.stringify({ description: it.id, vars: { input: it.input, reference: it.reference, product: String(it.vars.product).toLowerCase() } })).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'f1.js'), F1_ASSERTION);
  writeFileSync(
    join(dir, 'promptfooconfig.yaml'),
    [
      'description: gate bench side by side',
      'prompts:',
      '  - file://prompt.json',
      'providers:',
      `  - id: openai:chat:${model}`,
      '    config:',
      `      apiBaseUrl: ${upstreamUrl}`,
      '      apiKey: bench-no-key',
      '      temperature: 0',
      '      max_tokens: 400',
      'defaultTest:',
      '  assert:',
      '    - type: javascript',
      '      value: file://f1.js',
      'tests:',
      '  - file://tests.jsonl',
      '',
    ].join('\n'),
  );
}

/** Runs `promptfoo eval` in `dir`; resolves to wall seconds, exit code and the JSON output's stats. */
export function runPromptfoo(bin, dir, concurrency) {
  const args = [
    'eval',
    '-c',
    'promptfooconfig.yaml',
    '-j',
    String(concurrency),
    '--no-cache',
    '--no-progress-bar',
    '--no-table',
    '--no-write',
    '-o',
    'out.json',
  ];
  const env = {
    ...process.env,
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
    OPENAI_API_KEY: 'bench-no-key',
    NO_COLOR: '1',
  };
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let stats = null;
      try {
        const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
        stats = out.results?.stats ?? null;
      } catch {
        // no output file: the log says why
      }
      resolve({ seconds, code, stats, log: log.slice(-2000) });
    });
  });
}
