// A minimal OpenAI-compatible upstream for the gateway benches, in its own
// process: node:http on 127.0.0.1, POST /v1/chat/completions (any path ending
// in /chat/completions) reads the request body and answers at once with a
// fixed chat.completion (a short answer and its usage). Anything else is 404.
// Usage: node bench/gateway/upstream.js   (prints {"url", "pid"} once listening; exits when stdin closes)
import { createServer } from 'node:http';

const body = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Open Settings, then Billing, and edit the address on file.' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 60, completion_tokens: 12, total_tokens: 72 },
  }),
);
const headers = { 'content-type': 'application/json', 'content-length': body.length };
const notFound = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}');

const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    if (req.method === 'POST' && req.url.endsWith('/chat/completions')) {
      res.writeHead(200, headers);
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': notFound.length });
      res.end(notFound);
    }
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
