// The least a Node.js gateway does, as a floor for the gateway bench's added
// latency: node:http in, one JSON.parse and JSON.stringify of the request and
// of the answer, undici's Pool out (keep-alive, 64 connections) to the same
// upstream. No routing, validation, traces or metrics. Whatever a real gateway
// in Node adds on this machine, this adds too.
// Usage: node bench/gateway/bare-proxy.js UPSTREAM_URL   (prints {"url"} once listening; exits when stdin closes)
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2]);
const pool = new Pool(upstream.origin, { connections: 64 });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const request = JSON.parse(Buffer.concat(chunks).toString());
      request.model = 'bench-model-a';
      const answer = await pool.request({
        path: `${upstream.pathname.replace(/\/$/, '')}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const out = JSON.stringify(JSON.parse(await answer.body.text()));
      res.writeHead(answer.statusCode, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(out),
      });
      res.end(out);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(e), type: 'upstream_error' } }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
