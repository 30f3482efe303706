import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadAuditKey } from '../src/audit/ledger/audit-key.js';
import { noteVerifierKey } from '../src/audit/tlog/note-verifier-key.js';
import { spawnServe, type ServeProcess } from './support/serve-process.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the dashboard's browser tests: no Chromium at ${CHROMIUM}`);
const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');
const SHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');
const ROUTE = 'legal-assistant';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const tokenJson = z.object({ token: z.string() });
const releasesJson = z.array(z.object({ id: z.string(), version: z.string().nullable().optional() }));
const auditJson = z.array(z.object({ index: z.number(), kind: z.string(), actor: z.string() }));
const axeResult = z.object({ violations: z.array(z.object({ id: z.string(), impact: z.string().nullable() })) });

function cli(dir: string, args: string[]): string {
  const run = spawnSync(process.execPath, [BIN, '--project', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SLUICE_ACTOR: 'test', SLUICE_DB: '' },
    timeout: 360_000,
  });
  if (run.status !== 0) throw new Error(`sluice ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

describe.skipIf(!haveChromium)('the dashboard on the demo project, in headless Chromium', () => {
  let root: string;
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  const tokens: Record<'viewer' | 'operator' | 'approver', string> = { viewer: '', operator: '', approver: '' };
  let failing: string;
  let edited: string;
  let verifierKey: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-dashboard-'));
    dir = join(root, 'demo');
    cli(root, ['demo', '--keep', dir, '--json']);
    for (const role of ['viewer', 'operator', 'approver'] as const)
      tokens[role] = tokenJson.parse(
        JSON.parse(cli(dir, ['token', 'create', '--name', `${role}-ana`, '--role', role, '--json'])),
      ).token;
    // The ip-licensing fine-tune (scenario 4): a failed gate, not overridden.
    const releases = releasesJson.parse(JSON.parse(cli(dir, ['releases', '--json'])));
    failing = releases.find((r) => r.version === '1.1.0')!.id;
    // The prompt edited outside review (scenario 2): its page shows the prompt's line diff.
    edited = releases.find((r) => r.version === '1.0.1')!.id;
    // The key an auditor pins comes from the project's own key, not from the server.
    const key = loadAuditKey({ projectDir: dir, env: {} }, false)!;
    verifierKey = noteVerifierKey('example.com/legal-assistant', key.publicKey);
    serve = await spawnServe(dir, { SLUICE_DB: '' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** A page signed in with `role`'s token, recording console errors and every request's URL. */
  async function open(role: keyof typeof tokens, viewport = { width: 1440, height: 900 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${serve.url}/ui/#/sign-in`);
    await page.getByLabel('Token').fill(tokens[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.role', { hasText: role }).waitFor();
    // Before sign-in the page asked who it is and was told 401: that is how it knew to ask for a token.
    problems.length = 0;
    return { page, problems, requests, close: () => context.close() };
  }

  async function axe(page: Page): Promise<string[]> {
    await page.evaluate(AXE);
    const result = axeResult.parse(
      await page.evaluate(async () => {
        const w = window as unknown as { axe: { run(o: unknown): Promise<unknown> } };
        return w.axe.run({ resultTypes: ['violations'] });
      }),
    );
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  }

  const pages: [string, () => string, string][] = [
    ['releases', () => '#/releases', 'Releases'],
    ['release', () => `#/release/${edited}`, 'Release'],
    ['gate', () => `#/gate/${failing}`, 'Gate of'],
    ['rollout', () => `#/rollout/${ROUTE}`, 'Rollout of'],
    ['observe', () => `#/observe/${ROUTE}`, 'Observe'],
    ['audit', () => '#/audit', 'Audit log'],
  ];

  it('renders every page under a strict CSP with no error, no request off this server and no serious axe violation, and writes its screenshots', async () => {
    const head = await fetch(`${serve.url}/ui/`);
    expect(head.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(head.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(await head.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const [name, viewport] of [
      ['desktop', { width: 1440, height: 900 }],
      ['mobile', { width: 390, height: 844 }],
    ] as const) {
      const s = await open('approver', viewport);
      for (const [page, hash, heading] of pages) {
        await s.page.goto(`${serve.url}/ui/${hash()}`);
        await s.page.getByRole('heading', { level: 1, name: new RegExp(heading) }).waitFor();
        await expect.poll(() => s.page.getByText('Loading…').count()).toBe(0);
        if (page === 'rollout' || page === 'observe') await s.page.locator('.uplot').first().waitFor();
        if (page === 'gate') await s.page.locator('.item').first().waitFor();
        if (name === 'desktop') expect(await axe(s.page), `${page}: serious axe violations`).toEqual([]);
        await s.page.screenshot({ path: join(SHOTS, `${page}-${name}.png`) });
      }
      await s.page.goto(`${serve.url}/ui/#/sign-in`);
      await s.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await s.page.screenshot({ path: join(SHOTS, `sign-in-${name}.png`) });
      expect(s.problems).toEqual([]);
      expect(s.requests.filter((u) => !u.startsWith(serve.url))).toEqual([]);
      await s.close();
    }
  }, 120_000);

  it('shows the release diff line by line, the weights claim and the gate per slice and per item', async () => {
    const s = await open('viewer');
    await s.page.goto(`${serve.url}/ui/#/release/${failing}`);
    await expect.poll(() => s.page.locator('.diff summary', { hasText: 'model' }).textContent()).toContain('changed');
    expect(await s.page.locator('.diff-lines .del').allTextContents()).toEqual(['-   "name": "legal-v1"\n']);
    expect(await s.page.locator('.diff-lines .add').allTextContents()).toEqual(['+   "name": "legal-ft-ip"\n']);
    expect(await s.page.locator('.facts').textContent()).toContain('not claimed');
    // The prompt edited outside review: the dropped safety text shows as removed lines of the prompt file.
    await s.page.goto(`${serve.url}/ui/#/release/${edited}`);
    const prompt = s.page.locator('.diff', { hasText: 'prompt' }).locator('figure', { hasText: 'prompt.system' });
    await expect.poll(() => prompt.locator('.del').count()).toBeGreaterThan(0);
    await s.page.goto(`${serve.url}/ui/#/gate/${failing}`);
    const ip = s.page.locator('.slice-row', { hasText: 'legal/ip-licensing' });
    await expect.poll(() => ip.locator('.slice-facts').textContent()).toMatch(/fail/);
    await s.page.getByLabel('Slice').selectOption('legal/ip-licensing');
    await expect
      .poll(async () => (await s.page.locator('.item header').allTextContents()).join('|'))
      .toMatch(/ip-licensing/);
    const slices = await s.page.locator('.item header .muted').allTextContents();
    expect(slices.every((t) => t.startsWith('legal/ip-licensing'))).toBe(true);
    expect(await s.page.locator('.item').first().locator('.answer').count()).toBe(2);
    // Collapsing "legal" hides its children.
    await s.page.getByRole('button', { name: 'Collapse legal' }).click();
    expect(await ip.count()).toBe(0);
    await s.close();
  }, 60_000);

  it('offers a viewer no action, and the server refuses a viewer every change', async () => {
    const s = await open('viewer');
    await s.page.goto(`${serve.url}/ui/#/gate/${failing}`);
    await s.page.getByText('An override needs the approver role.').waitFor();
    expect(await s.page.getByRole('button', { name: 'Override' }).count()).toBe(0);
    await s.page.goto(`${serve.url}/ui/#/rollout/${ROUTE}`);
    await s.page.getByText('No action available to this role in this phase.').waitFor();
    expect(await s.page.getByRole('button', { name: /Rollback|Pause|Promote|Abort/ }).count()).toBe(0);
    // The page only hides them; the server is what refuses.
    for (const path of [`/releases/${failing}/gate/override`, `/routes/${ROUTE}/rollback`, `/routes/${ROUTE}/pause`]) {
      const status = await s.page.evaluate(
        async ([p, token]) =>
          (
            await fetch(`/api/v1${p}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ reason: 'trying' }),
            })
          ).status,
        [path, tokens.viewer] as const,
      );
      expect(status, path).toBe(403);
    }
    await s.close();
  }, 60_000);

  it('records an override and a rollback made through the page as signed receipts naming the token', async () => {
    const s = await open('approver');
    await s.page.goto(`${serve.url}/ui/#/gate/${failing}`);
    await s.page.getByRole('button', { name: 'Override', exact: true }).click();
    await s.page.getByLabel('Reason for override').fill('IP licensing answers reviewed by the IP group: acceptable');
    await s.page.getByRole('button', { name: 'Confirm override' }).click();
    const overridden = await s.page.locator('.receipt-note').textContent();
    expect(overridden).toMatch(/receipt #\d+/);
    await s.page.locator('.override', { hasText: 'IP licensing answers reviewed' }).waitFor();

    await s.page.goto(`${serve.url}/ui/#/rollout/${ROUTE}`);
    await s.page.getByRole('button', { name: 'Rollback', exact: true }).click();
    await s.page.getByLabel('Reason for rollback').fill('pager: contract answers cite the wrong statute');
    await s.page.getByRole('button', { name: 'Confirm rollback' }).click();
    await expect
      .poll(() => s.page.locator('.receipt-note').textContent())
      .toMatch(/receipt #\d+ \(rollback by approver-ana\)/);
    await s.close();

    const log = auditJson.parse(JSON.parse(cli(dir, ['audit', 'log', '--json'])));
    const override = log.find((e) => e.kind === 'override' && e.actor === 'approver-ana');
    const rollback = log.find((e) => e.kind === 'rollback' && e.actor === 'approver-ana');
    expect(override).toBeDefined();
    expect(rollback).toBeDefined();
    expect(overridden).toContain(`#${override!.index}`);
  }, 60_000);

  it('verifies the log in the browser against the pinned key, and names the index of a tampered receipt', async () => {
    const s = await open('viewer');
    await s.page.goto(`${serve.url}/ui/#/audit`);
    await s.page.getByLabel('Pinned verifier key').fill(verifierKey);
    await s.page.getByRole('button', { name: 'Verify in this browser' }).click();
    const outcome = s.page.getByTestId('verify-outcome');
    await outcome.waitFor({ timeout: 15_000 }).catch(async (e: unknown) => {
      throw new Error(`no verification outcome: ${await s.page.locator('main').textContent()}`, { cause: e });
    });
    expect(await outcome.textContent()).toMatch(
      /^Verified: 25 receipts signed by the pinned key and included in the checkpoint of size \d+/,
    );

    // Someone with write access to the database edits one receipt's reason.
    const db = new Database(join(dir, '.sluice', 'sluice.db'));
    const size = z.object({ n: z.number() }).parse(db.prepare('SELECT COUNT(*) AS n FROM audit_entries').get()).n;
    const index = size - 3;
    const row = z
      .object({ leaf: z.instanceof(Buffer) })
      .parse(db.prepare('SELECT leaf FROM audit_entries WHERE idx = ?').get(index));
    const envelope = z
      .object({ payload: z.string() })
      .passthrough()
      .parse(JSON.parse(row.leaf.toString('utf8')));
    const statement = Buffer.from(envelope.payload, 'base64')
      .toString('utf8')
      .replace('"actor":"', '"actor":"mallory-');
    const forged = Buffer.from(JSON.stringify({ ...envelope, payload: Buffer.from(statement).toString('base64') }));
    db.prepare('UPDATE audit_entries SET leaf = ? WHERE idx = ?').run(forged, index);
    db.close();

    await s.page.reload();
    await s.page.getByRole('button', { name: 'Verify in this browser' }).click();
    await outcome.filter({ hasText: 'Verification failed' }).waitFor({ timeout: 15_000 });
    const text = (await outcome.textContent()) ?? '';
    expect(text).toContain(`receipt #${index}: the signature does not verify`);
    expect(text).toContain(`receipt #${index}: not included in the checkpoint`);
    expect(text.match(/receipt #(\d+)/g)!.every((m) => m === `receipt #${index}`)).toBe(true);

    // A key other than the log's is refused too: the browser trusts the pin, not the server.
    const other = noteVerifierKey(
      'example.com/legal-assistant',
      loadAuditKey({ projectDir: mkdtempSync(join(root, 'k-')), env: {} })!.publicKey,
    );
    await s.page.getByLabel('Pinned verifier key').fill(other);
    await s.page.getByRole('button', { name: 'Verify in this browser' }).click();
    await outcome
      .filter({ hasText: 'checkpoint: the checkpoint is not signed by the pinned key' })
      .waitFor({ timeout: 15_000 });
    await s.close();
  }, 60_000);
});
