// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and
// per file, and inclusive time (the function or anything it calls) for
// functions of the project (dist/), largest first.
// Usage: node bench/gateway/profile-top.js FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

function where(frame) {
  return frame.url ? frame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/') : '';
}

function label(frame) {
  const w = where(frame);
  return `${frame.functionName || '(anonymous)'} ${w}${w ? `:${frame.lineNumber + 1}` : ''}`;
}

export function topOfProfile(file, n = 20) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  // timeDeltas[i] is the time before samples[i]; charge it to that sample's node.
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const files = new Map();
  const inclusive = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id).callFrame;
    const key = label(frame);
    fns.set(key, (fns.get(key) ?? 0) + us);
    const fileKey = where(frame) || frame.functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
    if (frame.functionName === '(idle)') continue;
    busy += us;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!where(f).startsWith('dist/')) continue;
      const k = label(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const top = (m, of = total) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / of) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    functions: top(fns),
    files: top(files),
    inclusive: top(inclusive, busy),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = topOfProfile(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`sampled ${t.totalMs} ms, of which not idle ${t.busyMs} ms\n\nself time by function (% of sampled):`);
  for (const r of t.functions) console.log(`${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  console.log('\nself time by file (% of sampled):');
  for (const r of t.files) console.log(`${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  console.log('\ninclusive time of dist/ functions (% of not idle):');
  for (const r of t.inclusive) console.log(`${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
}
