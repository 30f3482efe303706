// An OTLP/HTTP collector for the OTLP bench, in its own process: node:http on
// 127.0.0.1 that reads every export (traces, metrics, logs), counts requests
// and bytes per path, and answers 200 {} at once. GET /counts returns the counts.
// Usage: node bench/otlp/collector.js   (prints {"url", "pid"} once listening; exits when stdin closes)
import { createServer } from 'node:http';

const counts = {};
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/counts') {
    const text = JSON.stringify(counts);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  let bytes = 0;
  req.on('data', (c) => {
    bytes += c.length;
  });
  req.on('end', () => {
    counts[req.url] ??= { requests: 0, bytes: 0 };
    const c = counts[req.url];
    c.requests++;
    c.bytes += bytes;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid }));
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
