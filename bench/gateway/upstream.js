// A minimal OpenAI-compatible upstream for the gateway benches, in its own
// process: node:http on 127.0.0.1, POST /v1/chat/completions (any path ending
// in /chat/completions) reads the request body and answers at once with a
// fixed chat.completion: a function call when the request offers tools, else a
// short answer, with its usage. POST …/responses (for gateways that pass the
// Responses API through, as Portkey does) answers a fixed Responses object with
// the same text. Anything else is 404.
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
const toolBody = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench-tool',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_bench_1',
              type: 'function',
              function: { name: 'lookup_invoice', arguments: '{"invoice_id":"INV-1042"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 90, completion_tokens: 14, total_tokens: 104 },
  }),
);
const responsesBody = Buffer.from(
  JSON.stringify({
    id: 'resp_bench',
    object: 'response',
    created_at: 1_700_000_000,
    status: 'completed',
    model: 'bench-model',
    output: [
      {
        type: 'message',
        id: 'msg_bench',
        status: 'completed',
        role: 'assistant',
        content: [
          {
            type: 'output_text',
            text: 'Open Settings, then Billing, and edit the address on file.',
            annotations: [],
          },
        ],
      },
    ],
    usage: { input_tokens: 60, output_tokens: 12, total_tokens: 72 },
  }),
);
const json = (b) => ({ 'content-type': 'application/json', 'content-length': b.length });
const headers = json(body);
const toolHeaders = json(toolBody);
const responsesHeaders = json(responsesBody);
const TOOLS = Buffer.from('"tools"');
const notFound = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}');

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.once('end', () => {
    if (req.method === 'POST' && req.url.endsWith('/chat/completions')) {
      const tools = Buffer.concat(chunks).includes(TOOLS);
      res.writeHead(200, tools ? toolHeaders : headers);
      res.end(tools ? toolBody : body);
    } else if (req.method === 'POST' && req.url.endsWith('/responses')) {
      res.writeHead(200, responsesHeaders);
      res.end(responsesBody);
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
