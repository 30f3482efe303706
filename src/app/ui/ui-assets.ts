import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_HEADERS } from './content-security-policy.js';

/** The built dashboard (vite build of ui/), the same folder from src/ and dist/: <package>/dist/ui. */
export const UI_DIR = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface Asset {
  readonly bytes: Buffer;
  readonly type: string;
}

/**
 * Serves the dashboard under /ui/: the built files (read once, kept in memory:
 * a few hundred KB), every other path under /ui/ answered with index.html (the
 * pages route on the URL's hash). Returns false for paths outside /ui.
 */
export function uiAssets(dir = UI_DIR) {
  const cache = new Map<string, Asset | null>();
  const load = (rel: string): Asset | null => {
    if (cache.has(rel)) return cache.get(rel)!;
    const file = normalize(join(dir, rel));
    let asset: Asset | null = null;
    if (file.startsWith(normalize(dir + sep)) && existsSync(file) && statSync(file).isFile())
      asset = { bytes: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
    cache.set(rel, asset);
    return asset;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (path !== '/ui' && !path.startsWith('/ui/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...DASHBOARD_HEADERS }).end();
      return true;
    }
    if (path === '/ui') {
      res.writeHead(308, { location: '/ui/', ...DASHBOARD_HEADERS }).end();
      return true;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice('/ui/'.length));
    } catch {
      rel = '';
    }
    const asset = (rel !== '' && load(rel)) || load('index.html');
    if (!asset) {
      const body = 'the dashboard is not built: run npm run build';
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...DASHBOARD_HEADERS }).end(body);
      return true;
    }
    const hashed = rel.startsWith('assets/') && asset.type !== TYPES['.html'];
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.bytes.length,
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...DASHBOARD_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.bytes);
    return true;
  };
}
