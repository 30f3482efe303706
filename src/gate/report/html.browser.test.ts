import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { gateFixture } from './test-support/fixture.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the browser tests of the gate reports: no Chromium at ${CHROMIUM}`);

describe.skipIf(!haveChromium)('gate reports in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the HTML report with one visible bar per slice and loads nothing', async () => {
    const result = gateFixture();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.setContent(renderHtml(result), { waitUntil: 'load' });

    const bars = page.locator('svg.chart rect.bar');
    expect(await bars.count()).toBe(result.slices.length);
    const boxes = await Promise.all(
      (await bars.all()).map(async (bar) => ({
        slice: await bar.getAttribute('data-slice'),
        box: await bar.boundingBox(),
        visible: await bar.isVisible(),
      })),
    );
    for (const { slice, box, visible } of boxes) {
      expect(visible, `${slice} visible`).toBe(true);
      expect(box!.width, `${slice} width`).toBeGreaterThan(0);
      expect(box!.height, `${slice} height`).toBeGreaterThan(0);
    }
    // Worst first, and widths in proportion to the scores (0.41 vs 0.78).
    expect(boxes[0]!.slice).toBe('legal/ip-licensing');
    const widths = new Map(boxes.map((b) => [b.slice, b.box!.width]));
    expect(widths.get('legal/ip-licensing')! / widths.get('legal/contracts')!).toBeCloseTo(0.41 / 0.78, 2);
    expect(await page.locator('svg.chart line.threshold').count()).toBe(result.slices.length);
    expect(await page.locator('svg.chart circle.baseline').count()).toBe(result.slices.length);
    const barColor = await page
      .locator('rect.bar[data-slice="legal/ip-licensing"]')
      .evaluate((el) => getComputedStyle(el).fill);
    expect(barColor).toBe('rgb(207, 34, 46)');

    const file = join(tempDir('sluice-gate-report-'), 'report.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(existsSync(file)).toBe(true);

    expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('gives a JUnit report the browser XML parser accepts', async () => {
    const xml = renderJUnit(
      gateFixture({
        slices: [
          ...gateFixture().slices,
          { ...gateFixture().slices[0]!, slice: `<&"'\u0001>`, verdict: 'fail', reasons: ['a\nb ]]>'] },
        ],
      }),
    );
    const page = await browser.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.querySelector('parsererror');
      const suite = doc.querySelector('testsuites > testsuite');
      return {
        error: error?.textContent ?? null,
        suite: suite?.getAttribute('name') ?? null,
        tests: suite?.getAttribute('tests') ?? null,
        cases: doc.querySelectorAll('testcase').length,
        names: [...doc.querySelectorAll('testcase[classname="slices"]')].map((c) => c.getAttribute('name')),
        message: doc.querySelector('testcase[name="<&\\"\'>"] failure')?.getAttribute('message') ?? null,
      };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.suite).toBe('sluice gate');
    expect(parsed.tests).toBe(String(parsed.cases));
    expect(parsed.names).toContain(`<&"'>`);
    expect(parsed.message).toBe('a\nb ]]>');
    await page.close();
  });
});
