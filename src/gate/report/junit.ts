import type { GateCheck, GateResult, SliceResult } from '../core/gate-result.js';
import { escapeMarkup, escapeXmlAttribute } from './escape.js';
import { fixed, interval, signed } from './format.js';
import { partialLine } from './gate-facts.js';

type Outcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'failure'; readonly message: string; readonly type: string; readonly detail: string }
  | { readonly kind: 'skipped'; readonly message: string };

interface TestCase {
  readonly classname: 'slices' | 'checks';
  readonly name: string;
  readonly outcome: Outcome;
}

/**
 * The gate as JUnit XML for CI test reporters: one test suite, "sluice gate",
 * holding a test case per slice (classname "slices") and per check (classname
 * "checks"). A failed slice or hard check is a failure, a slice that needs review
 * or a soft check that did not hold is skipped, the rest pass.
 */
export function renderJUnit(result: GateResult): string {
  const cases = [...result.slices.map(sliceCase), ...result.checks.map(checkCase)];
  const counts = {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome.kind === 'failure').length,
    errors: 0,
    skipped: cases.filter((c) => c.outcome.kind === 'skipped').length,
  };
  const countAttrs = Object.entries(counts)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sluice" ${countAttrs}>`,
    `  <testsuite name="sluice gate" ${countAttrs}>`,
    '    <properties>',
    ...properties(result).map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`),
    '    </properties>',
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function sliceCase(slice: SliceResult): TestCase {
  const because = slice.reasons.join('; ');
  if (slice.verdict === 'pass') return { classname: 'slices', name: slice.slice, outcome: { kind: 'pass' } };
  if (slice.verdict === 'review') {
    return {
      classname: 'slices',
      name: slice.slice,
      outcome: { kind: 'skipped', message: because ? `needs review: ${because}` : 'needs review' },
    };
  }
  const stats =
    `n ${slice.n}, score ${fixed(slice.score)} ${interval(slice.ci)}`.trimEnd() +
    `, min ${fixed(slice.min)}, baseline ${fixed(slice.baseline_score)}, delta ${signed(slice.delta)}`;
  return {
    classname: 'slices',
    name: slice.slice,
    outcome: {
      kind: 'failure',
      message: because || 'failed',
      type: 'slice',
      detail: [stats, ...slice.reasons].join('\n'),
    },
  };
}

function checkCase(check: GateCheck): TestCase {
  const name = check.name;
  if (check.ok) return { classname: 'checks', name, outcome: { kind: 'pass' } };
  if (check.kind === 'soft')
    return { classname: 'checks', name, outcome: { kind: 'skipped', message: `soft check: ${check.message}` } };
  return {
    classname: 'checks',
    name,
    outcome: { kind: 'failure', message: check.message, type: 'hard check', detail: check.message },
  };
}

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${c.classname}" name="${attr(c.name)}"`;
  const o = c.outcome;
  switch (o.kind) {
    case 'pass':
      return `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${attr(o.message)}"/>\n    </testcase>`;
    case 'failure':
      return `${open}>\n      <failure message="${attr(o.message)}" type="${attr(o.type)}">${escapeMarkup(o.detail)}</failure>\n    </testcase>`;
  }
}

function properties(result: GateResult): Array<readonly [string, string]> {
  const props: Array<readonly [string, string]> = [
    ['release', result.release],
    ['baseline', result.baseline ?? ''],
    ['verdict', result.verdict],
    ['aggregate.n', String(result.aggregate.n)],
    ['aggregate.score', fixed(result.aggregate.score)],
    ['digest', result.digest],
    ['at', result.at],
  ];
  if (result.receipt !== null) props.push(['receipt', String(result.receipt)]);
  if (result.override) {
    props.push(
      ['override.actor', result.override.actor],
      ['override.reason', result.override.reason],
      ['override.at', result.override.at],
    );
  }
  const partial = partialLine(result);
  if (partial) props.push(['partial', partial]);
  return props;
}

const attr = escapeXmlAttribute;
