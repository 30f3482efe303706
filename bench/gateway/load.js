// Load for the gateway bench, with autocannon's programmatic API.
//
// autocannon paces a connection by letting it send back to back until it has
// made its quota for the current second, then idling until its next
// one-second tick. One instance with N connections at overallRate R therefore
// fires N-way bursts at the top of each second, which measures queueing under
// the burst, not the cost of a request at R per second. pacedLoad spreads the
// rate instead: LANES instances of one connection each, at R / LANES per
// second, started 1000 / LANES ms apart, so each lane's short burst falls in
// its own slot of the second. Latency is every 200 response's own time
// (autocannon's 'response' event, fractional ms; its histograms keep whole ms
// only), percentiles taken over all lanes.
import autocannon from 'autocannon';
import { median, quantile } from '../support.js';

function run(opts, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) instance.on('response', onResponse);
  });
}

function request({ url, body, headers }) {
  return { url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } };
}

const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Answers per second: the median count over the whole seconds of the run (the partial first and last left out). */
function achievedRate(arrivals) {
  const start = arrivals[0];
  const counts = [];
  for (const t of arrivals) {
    const i = Math.floor((t - start) / 1000);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const whole = counts.slice(1, -1).map((c) => c ?? 0);
  return whole.length ? median(whole) : arrivals.length;
}

/** `rate` requests per second for `seconds`, spread over `lanes` staggered one-connection instances. */
export async function pacedLoad({ target, rate, seconds, lanes = 20 }) {
  const latencies = [];
  let failed = 0;
  const arrivals = [];
  const onResponse = (_client, status, _bytes, ms) => {
    arrivals.push(performance.now());
    if (status === 200) latencies.push(ms);
    else failed++;
  };
  const results = await Promise.all(
    Array.from({ length: lanes }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / lanes));
      return run(
        { ...request(target), connections: 1, overallRate: rate / lanes, duration: seconds, timeout: 10 },
        onResponse,
      );
    }),
  );
  const errors = results.reduce((n, r) => n + r.errors + r.timeouts, 0);
  return {
    requests: latencies.length + failed,
    failed: failed + errors,
    rate: achievedRate(arrivals),
    p50: round(quantile(latencies, 0.5)),
    p90: round(quantile(latencies, 0.9)),
    p99: round(quantile(latencies, 0.99)),
    max: round(Math.max(...latencies)),
  };
}

/** As fast as it answers: `connections` connections, no rate limit, `seconds` long. */
export async function maxLoad({ target, connections = 64, seconds }) {
  const r = await run({ ...request(target), connections, duration: seconds, timeout: 10 });
  const ok = r.requests.total - r.non2xx;
  return {
    requests: r.requests.total,
    failed: r.non2xx + r.errors + r.timeouts,
    // 2xx answers per second over the run (autocannon's requests.average counts every answer).
    rate: round(ok / r.duration, 0),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
