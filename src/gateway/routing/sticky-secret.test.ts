import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../kernel/test-support/temp-dir.js';
import { sluiceConfigSchema } from '../../config/sluice-schema.js';
import { Project } from '../../app/project.js';
import { openStore } from '../../store/open-store.js';
import { STICKY_SECRET_FILE, loadStickySecret } from './sticky-secret.js';
import { bucketOf, stickyHash } from './sticky.js';

const fresh = (): string => tempDir('sluice-sticky-');

describe('the sticky-hash key', () => {
  it('is created once under .sluice/keys/ (mode 0600) and read back the same after a restart', async () => {
    const dir = fresh();
    const first = loadStickySecret(dir, {});
    expect(first).toHaveLength(32);
    const path = join(dir, STICKY_SECRET_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadStickySecret(dir, {})).toEqual(first);
    // Two runs of the same project (a restart) store the same hash for the same user; another project does not.
    const config = sluiceConfigSchema.parse({ project: 'p', providers: { up: { kind: 'sim' } } });
    const hashOf = async (projectDir: string): Promise<string> => {
      const store = await openStore(`sqlite:${join(projectDir, '.sluice', 'sluice.db')}`);
      try {
        return stickyHash('customer-42', new Project({ config, store, projectDir, env: {} }).traceKeeping.stickySecret);
      } finally {
        await store.close();
      }
    };
    const before = await hashOf(dir);
    expect(await hashOf(dir)).toBe(before);
    expect(await hashOf(fresh())).not.toBe(before);
    // The arm a user gets depends on the rollout and the key alone, never on the secret: stable across restarts.
    expect(bucketOf('customer-42', 'ro-1')).toBe(bucketOf('customer-42', 'ro-1'));
  });

  it('comes from SLUICE_STICKY_SECRET when set (replicas on several hosts), and refuses one that is not 32 hex bytes', () => {
    const dir = fresh();
    const hex = 'ab'.repeat(32);
    expect(loadStickySecret(dir, { SLUICE_STICKY_SECRET: hex })).toEqual(Buffer.from(hex, 'hex'));
    expect(() => loadStickySecret(dir, { SLUICE_STICKY_SECRET: 'short' })).toThrow(/64 hex digits/);
    const broken = fresh();
    loadStickySecret(broken, {});
    writeFileSync(join(broken, STICKY_SECRET_FILE), 'not hex\n');
    expect(() => loadStickySecret(broken, {})).toThrow(/sticky-hash\.key/);
    expect(readFileSync(join(broken, STICKY_SECRET_FILE), 'utf8')).toBe('not hex\n'); // never overwritten
  });
});
