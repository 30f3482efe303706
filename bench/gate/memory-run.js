// Gates an already-registered release in a fresh process and reports its peak
// resident memory: process.memoryUsage().rss sampled every 10 ms from start to
// finish (the kernel's max RSS, process.resourceUsage().maxRSS, as a check).
// Prints a progress line every second and a final line with "final": true, so
// the caller can stop it early and still know the peak so far.
// Usage: node bench/gate/memory-run.js PROJECT_DIR STORE_URL RELEASE_ID CONCURRENCY
import { findRelease } from '../../dist/release/find-release.js';
import { gate, openProject } from './gate-run.js';

const [dir, storeUrl, id, concurrency] = process.argv.slice(2);
const started = process.hrtime.bigint();
const mb = (b) => Math.round((b / 2 ** 20) * 10) / 10;
let peak = process.memoryUsage().rss;
let done = 0;
const sample = () => {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
};
const status = (extra = {}) =>
  JSON.stringify({
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    done,
    peakRssMb: mb(peak),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    ...extra,
  });
const sampler = setInterval(sample, 10);
const progress = setInterval(() => console.log(status()), 1000);

const project = await openProject(dir, storeUrl);
const record = await findRelease(project.store, id);
const run = await gate(project, record, Number(concurrency), (_m, n) => {
  done = n;
});
sample();
clearInterval(sampler);
clearInterval(progress);
await project.store.close();
console.log(
  status({ final: true, gateSeconds: run.seconds, providerCalls: run.providerCalls, items: run.result.aggregate.n }),
);
