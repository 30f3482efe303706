import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UI_DIR } from '../src/app/ui/ui-assets.js';

/** Every file of the built dashboard (npm run build), recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the built dashboard', () => {
  it('weighs at most 300 KB gzipped in all, loads nothing from elsewhere and has no inline script or style', () => {
    const all = files(UI_DIR);
    expect(all.some((f) => f.endsWith('.js'))).toBe(true);
    const gzipped = all.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(300 * 1024);
    const index = readFileSync(join(UI_DIR, 'index.html'), 'utf8');
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(index).not.toMatch(/<style|\sstyle=/);
    for (const f of all.filter((f) => /\.(html|js|css)$/.test(f))) {
      const text = readFileSync(f, 'utf8');
      // No CDN or other origin: every URL the page loads is relative to this server.
      expect(text.match(/(?:src|href)=["']https?:\/\/[^"']+/g), relative(UI_DIR, f)).toBeNull();
      expect(text, relative(UI_DIR, f)).not.toMatch(/@import\s+url\(["']?https?:/);
    }
  });
});
