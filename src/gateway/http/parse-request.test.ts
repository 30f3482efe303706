import { describe, expect, it } from 'vitest';
import { requestError } from './errors.js';
import { checkChatRequest, checkWithSchema, parseChatRequest } from './parse-request.js';

const parse = (v: unknown) => parseChatRequest(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

describe('parseChatRequest', () => {
  it('splits the fields: params a release may own, and the rest to pass through as they came', () => {
    const r = parse({
      model: 'legal',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.7,
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      seed: null,
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'auto',
      n: 2,
      vendor_field: { a: 1 },
    });
    expect(r.ok && r.value.params).toEqual({ temperature: 0.7, max_tokens: 20, stop: ['END'] });
    expect(r.ok && r.value.extra).toEqual({
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'auto',
      n: 2,
      vendor_field: { a: 1 },
    });
    const plain = parse({ model: 'legal', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(plain.ok && plain.value).toMatchObject({ params: undefined, extra: undefined });
  });

  it('reads the route, messages, stream flags, user and metadata', () => {
    const r = parse({
      model: 'legal',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: null, tool_calls: [] },
      ],
      stream: true,
      stream_options: { include_usage: true },
      user: 'ana',
      metadata: { jurisdiction: 'FR' },
      temperature: 1.5,
    });
    expect(r.ok && r.value).toMatchObject({
      route: 'legal',
      stream: true,
      includeUsage: true,
      user: 'ana',
      vars: { jurisdiction: 'FR' },
    });
    expect(r.ok && r.value.messages[2]).toEqual({ role: 'assistant', content: null, tool_calls: [] });
  });

  it('refuses what is not JSON, and bodies without a route or messages, with 400s that say why', () => {
    const cases: [unknown, RegExp][] = [
      ['{"model": ', /not valid JSON/],
      [[1, 2], /body/],
      [{ messages: [{ role: 'user', content: 'hi' }] }, /model/],
      [{ model: 'legal' }, /messages/],
      [{ model: 'legal', messages: [] }, /at least one message/],
      [{ model: 'legal', messages: [{ role: 'robot', content: 'hi' }] }, /messages\.0\.role/],
      [{ model: 'legal', messages: [{ role: 'user', content: 3 }] }, /messages\.0\.content/],
      [{ model: 'legal', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, /stream/],
    ];
    for (const [body, message] of cases) {
      const r = parse(body);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(requestError(r.error).status).toBe(400);
        expect(r.error.message).toMatch(message);
      }
    }
  });

  it('checks every request exactly as the schema does, the common shape included', () => {
    const base = {
      model: 'legal',
      messages: [{ role: 'user', content: 'hi' }],
      user: 'ana',
      metadata: { jurisdiction: 'FR' },
    };
    const values: unknown[] = [
      undefined,
      null,
      true,
      0,
      1.5,
      '',
      'x',
      [],
      [1],
      {},
      { a: 1 },
      { include_usage: true },
      { include_usage: 'yes' },
      { a: 'b' },
      -1,
      3,
      21,
      ['a', 'b'],
      'auto',
      { type: 'json_object' },
      { type: 'function', function: { name: 'f' } },
      [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    ];
    const messages: unknown[] = [
      { role: 'user', content: 'hi' },
      { role: 'user' },
      { role: 'user', content: null },
      { role: 'assistant', content: null, tool_calls: [] },
      { role: 'tool', content: 'x', tool_call_id: 't' },
      { role: 'robot', content: 'hi' },
      { content: 'hi' },
      { role: 'user', content: 3 },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'user', content: [{ text: 'no type' }] },
      { role: 'user', content: {} },
      'hi',
      null,
      [],
    ];
    const bodies: unknown[] = [null, 'x', 3, [base], base];
    const keys = ['model', 'messages', 'stream', 'stream_options', 'user', 'tools', 'metadata', 'temperature'];
    keys.push('top_p', 'max_tokens', 'max_completion_tokens', 'seed', 'stop', 'presence_penalty', 'n', 'logprobs');
    keys.push('top_logprobs', 'reasoning_effort', 'parallel_tool_calls', 'tool_choice', 'response_format');
    for (const key of keys) {
      for (const v of values) bodies.push({ ...base, [key]: v });
    }
    for (const m of messages) {
      bodies.push({ ...base, messages: [m] });
      bodies.push({ ...base, messages: [{ role: 'system', content: 'be brief' }, m] });
    }
    for (const md of [{ a: 'b', c: 1 }, { a: null }, { '': '' }, Object.fromEntries([['__proto__', 'x']])])
      bodies.push({ ...base, metadata: md });
    bodies.push({ ...base, messages: [JSON.parse('{"role": "user", "content": "hi", "__proto__": {"x": 1}}')] });
    bodies.push(
      JSON.parse('{"model": "legal", "messages": [{"role": "user", "content": "hi"}], "__proto__": {"stream": true}}'),
    );
    let accepted = 0;
    for (const body of bodies) {
      const value = body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown);
      const fast = checkChatRequest(value);
      const reference = checkWithSchema(value);
      expect({ body, ok: fast.ok }).toEqual({ body, ok: reference.ok });
      if (fast.ok && reference.ok) {
        accepted++;
        expect(fast.value).toEqual(reference.value);
      } else if (!fast.ok && !reference.ok) {
        expect(fast.error.message).toBe(reference.error.message);
      }
    }
    expect(accepted).toBeGreaterThan(20);
    expect(bodies.length - accepted).toBeGreaterThan(40);
  });
});
