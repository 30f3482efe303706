// Observer budget: it adds nothing measurable to the gateway's p99 at 1,000 req/s
// with sample_rate 0.05. Runs the gateway bench's latency measurement with the
// observer sampling 5% and with it off, and compares the gateway's p99.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { report, row } from './support.js';

function gatewayRows(rate) {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, 'gateway.bench.js')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: {
      ...process.env,
      SLUICE_BENCH_OBSERVE_RATE: String(rate),
      SLUICE_BENCH_ROUNDS: process.env.SLUICE_BENCH_ROUNDS ?? '2',
    },
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const p99 = (rows) => {
  const r = rows.find((x) => /^gateway p50 \/ p99/.test(x.name));
  return Number(String(r.value).split('/')[1]);
};

const on = p99(gatewayRows(0.05));
const off = p99(gatewayRows(0));
const diff = Math.round((on - off) * 1000) / 1000;
// "Nothing measurable": within the run-to-run noise of the p99 on this machine (taken as 1 ms).
report([
  row('gateway p99 at 1,000 req/s, observer sampling 5%', on, 'ms'),
  row('gateway p99 at 1,000 req/s, observer off', off, 'ms'),
  row('observer p99 cost (on − off)', diff, 'ms', '<= 1 ms (run-to-run noise)', diff <= 1),
]);
