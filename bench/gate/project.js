// The gate bench's temporary project: the starter example, a generated suite
// over 20 slices, and a sluice.yaml whose one provider is an
// openai-compatible upstream on 127.0.0.1 (the simulator served over HTTP).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SLICES = [
  'billing/invoices',
  'billing/refunds',
  'billing/payment-methods',
  'billing/tax',
  'account/login',
  'account/sso',
  'account/profile',
  'account/deletion',
  'product/storage',
  'product/compute',
  'product/networking',
  'product/databases',
  'support/sla',
  'support/contact',
  'support/escalation',
  'legal/privacy',
  'legal/terms',
  'security/keys',
  'security/audit',
  'onboarding/setup',
];

const VERBS = ['change', 'update', 'find', 'cancel', 'review', 'export', 'enable', 'disable', 'reset', 'check'];
const NOUNS = ['invoice', 'address', 'password', 'bucket', 'cluster', 'token', 'contract', 'report', 'plan', 'region'];
const PLACES = [
  'settings page',
  'console',
  'dashboard',
  'admin panel',
  'billing tab',
  'security tab',
  'team page',
  'api',
];

/** Item i of the generated suite: a unique, already-normalized input (the sim finds it by exact match) and a 15-30 word reference. */
export function suiteItem(i) {
  const slice = SLICES[i % SLICES.length];
  const verb = VERBS[i % VERBS.length];
  const noun = NOUNS[Math.floor(i / 7) % NOUNS.length];
  const place = PLACES[Math.floor(i / 3) % PLACES.length];
  const input = `How do I ${verb} the ${noun} for workspace ${i} in the ${place}?`;
  const words = 15 + (i % 16);
  const ref = [
    `Open the ${place},`,
    `choose workspace ${i},`,
    `then ${verb} the ${noun} under ${slice.replace('/', ' ')}.`,
  ];
  const filler = [
    'Changes',
    'apply',
    'within',
    'a',
    'few',
    'minutes',
    'and',
    'the',
    'account',
    'owner',
    'receives',
    'an',
    'email',
    'confirming',
    'the',
    'update',
    'for',
    'their',
    'records',
    'today',
  ];
  for (let k = 0; ref.join(' ').split(' ').length < words; k++) ref.push(filler[k % filler.length]);
  return {
    id: `item-${String(i).padStart(6, '0')}`,
    slice,
    input,
    vars: { product: 'Acme Cloud' },
    reference: `${ref.join(' ')}.`,
  };
}

export function suiteText(n) {
  const lines = new Array(n);
  for (let i = 0; i < n; i++) lines[i] = JSON.stringify(suiteItem(i));
  return `${lines.join('\n')}\n`;
}

/**
 * Copies examples/starter into `dir` and writes the generated suites:
 * suites/support.jsonl (the first `items`), suites/large.jsonl (all `largeItems`),
 * and sim/knowledge.jsonl (= large) with sim/models.yaml for the upstream.
 */
export function writeProject(root, dir, { items, largeItems }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'examples/starter'), dir, { recursive: true });
  rmSync(join(dir, '.sluice'), { recursive: true, force: true });
  const large = suiteText(largeItems);
  let cut = 0;
  for (let k = 0; k < items; k++) cut = large.indexOf('\n', cut) + 1;
  writeFileSync(join(dir, 'suites/large.jsonl'), large);
  writeFileSync(join(dir, 'suites/support.jsonl'), large.slice(0, cut));
  writeFileSync(join(dir, 'sim/knowledge.jsonl'), large);
  writeFileSync(
    join(dir, 'sim/models.yaml'),
    [
      'knowledge: sim/knowledge.jsonl',
      'models:',
      '  helpful-v1:',
      '    quality: { "*": 0.86 }',
      '    latency_ms: { median: 40, p95: 120 }',
      '    error_rate: 0',
      '    hedging_rate: 0.02',
      '    invented_date_rate: 0.01',
      '',
    ].join('\n'),
  );
}

/** sluice.yaml: the openai-compatible upstream, judge `reference` (token F1, no LLM), detectors refusal and date-validity, no anchors. */
export function writeConfig(dir, upstreamUrl, { store = 'sqlite:.sluice/sluice.db' } = {}) {
  writeFileSync(
    join(dir, 'sluice.yaml'),
    [
      'project: gate-bench',
      `store: ${store}`,
      'providers:',
      `  upstream: { kind: openai-compatible, base_url: "${upstreamUrl}", max_concurrency: 64, retries: 0, timeout_ms: 60000 }`,
      'judges:',
      '  quality: { kind: reference }',
      '  refusal: { kind: refusal }',
      '  dates: { kind: date-validity }',
      'gate:',
      '  judge: quality',
      '  detectors: [refusal, dates]',
      '  slices:',
      '    "*": { min: 0.65, max_drop: 0.05, min_items: 5 }',
      '',
    ].join('\n'),
  );
}

/** A release of helpful-v1 on the upstream, gated on `suite`. */
export function writeRelease(dir, file, suite) {
  writeFileSync(
    join(dir, file),
    [
      'name: gate-bench',
      'model: { provider: upstream, name: helpful-v1 }',
      'prompt: { system: prompts/system.md }',
      'preprocessing:',
      '  - { op: trim }',
      '  - { op: collapse_whitespace }',
      '  - { op: lowercase, field: product }',
      'params: { temperature: 0, max_tokens: 400 }',
      `dataset: { suite: ${suite} }`,
      'metadata: { version: 1.0.0, license: apache-2.0, allowed_uses: [support], residency: eu }',
      '',
    ].join('\n'),
  );
}
