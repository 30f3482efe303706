import { describe, expect, it } from 'vitest';
import type { GateCheck } from '../core/gate-result.js';
import { renderJUnit } from './junit.js';
import { gateFixture, sliceFixture } from './test-support/fixture.js';
import { findAll, parseXml, type XmlElement } from './test-support/xml-check.js';

function suiteOf(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const suites = findAll(root, 'testsuite');
  expect(suites).toHaveLength(1);
  return suites[0]!;
}

function expectCountsMatch(xml: string): void {
  const root = parseXml(xml);
  const suite = suiteOf(xml);
  const counts = {
    tests: String(findAll(suite, 'testcase').length),
    failures: String(findAll(suite, 'failure').length),
    errors: '0',
    skipped: String(findAll(suite, 'skipped').length),
  };
  for (const el of [root, suite])
    for (const [k, v] of Object.entries(counts)) expect(el.attrs[k], `${el.name} ${k}`).toBe(v);
}

describe('renderJUnit', () => {
  it('writes one suite with a case per slice and per check, counting failures and skips', () => {
    const result = gateFixture();
    const xml = renderJUnit(result);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const suite = suiteOf(xml);
    expect(suite.attrs.name).toBe('sluice gate');
    expect(suite.attrs).toMatchObject({ tests: '15', failures: '2', errors: '0', skipped: '1' });
    expectCountsMatch(xml);

    const cases = findAll(suite, 'testcase');
    expect(cases.filter((c) => c.attrs.classname === 'slices').map((c) => c.attrs.name)).toEqual(
      result.slices.map((s) => s.slice),
    );
    expect(cases.filter((c) => c.attrs.classname === 'checks').map((c) => c.attrs.name)).toEqual(
      result.checks.map((c) => c.name),
    );

    const byName = new Map(cases.map((c) => [c.attrs.name, c]));
    const ip = byName.get('legal/ip-licensing')!;
    expect(ip.children.map((c) => c.name)).toEqual(['failure']);
    expect(ip.children[0]!.attrs.message).toBe('score 0.41 < min 0.60; drop 0.27 > max_drop 0.05');
    expect(ip.children[0]!.text).toContain('score 0.41 [0.37, 0.45], min 0.60, baseline 0.68, delta -0.27');
    expect(byName.get('fr/fr-BE')!.children[0]!.name).toBe('failure');
    const tax = byName.get('legal/tax')!;
    expect(tax.children.map((c) => [c.name, c.attrs.message])).toEqual([
      ['skipped', 'needs review: 6 items < min_items 10'],
    ]);
    expect(byName.get('legal')!.children).toEqual([]);
    expect(byName.get('error_rate')!.children).toEqual([]);
  });

  it('records release, verdict and override as suite properties', () => {
    const xml = renderJUnit(
      gateFixture({ override: { actor: 'dana', reason: 'known IP gap, fix in 1.3.1', at: '2025-06-03T15:00:00Z' } }),
    );
    const props = Object.fromEntries(findAll(suiteOf(xml), 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({
      release: gateFixture().release,
      verdict: 'fail',
      'aggregate.score': '0.64',
      'override.actor': 'dana',
      'override.reason': 'known IP gap, fix in 1.3.1',
      receipt: '17',
    });
  });

  it('fails hard checks and skips soft ones', () => {
    const checks: GateCheck[] = [
      { name: 'error_rate', value: 0.031, limit: 0.01, ok: false, kind: 'hard', message: 'error rate 3.1% > 1%' },
      { name: 'cost_ratio', value: 1.9, limit: 1.5, ok: false, kind: 'soft', message: 'cost 1.9× > 1.5×' },
      { name: 'residency', value: null, limit: 'eu', ok: true, kind: 'hard', message: 'eu' },
    ];
    const xml = renderJUnit(gateFixture({ slices: [sliceFixture({ slice: 'legal' })], checks }));
    const suite = suiteOf(xml);
    expect(suite.attrs).toMatchObject({ tests: '4', failures: '1', skipped: '1' });
    const outcome = Object.fromEntries(
      findAll(suite, 'testcase').map((c) => [c.attrs.name, c.children.map((k) => `${k.name}: ${k.attrs.message}`)]),
    );
    expect(outcome).toEqual({
      legal: [],
      error_rate: ['failure: error rate 3.1% > 1%'],
      cost_ratio: ['skipped: soft check: cost 1.9× > 1.5×'],
      residency: [],
    });
  });

  it('escapes markup and strips control characters from names and reasons', () => {
    const nasty = `a&b <c> "d" 'e'\u0000\u0007\u001b[31m\u0085\uD800 ü 🚦`;
    const reason = 'line one\nline\ttwo ]]> <![CDATA[ x ]]> &amp; &#0;';
    const xml = renderJUnit(
      gateFixture({
        slices: [
          sliceFixture({ slice: nasty, verdict: 'fail', reasons: [reason] }),
          sliceFixture({ slice: `${nasty}/review`, verdict: 'review', reasons: ['n < 10 "so" \'few\''] }),
        ],
        checks: [
          { name: '<hard>', value: 1, limit: '"x"', ok: false, kind: 'hard', message: "it's <bad> & \u0001worse" },
        ],
      }),
    );
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    expectCountsMatch(xml);
    const cases = findAll(suiteOf(xml), 'testcase');
    const clean = `a&b <c> "d" 'e'[31m ü 🚦`;
    expect(cases.map((c) => c.attrs.name)).toEqual([clean, `${clean}/review`, '<hard>']);
    const [failure] = cases[0]!.children;
    expect(failure!.attrs.message).toBe(reason);
    expect(failure!.text.endsWith(reason)).toBe(true);
    expect(cases[1]!.children[0]!.attrs.message).toBe('needs review: n < 10 "so" \'few\'');
    expect(cases[2]!.children[0]!.attrs.message).toBe("it's <bad> & worse");
  });

  it('stays well formed for a gate without slices, checks or baseline', () => {
    const xml = renderJUnit(gateFixture({ slices: [], checks: [], baseline: null, verdict: 'review', receipt: null }));
    expectCountsMatch(xml);
    expect(suiteOf(xml).attrs.tests).toBe('0');
  });
});
