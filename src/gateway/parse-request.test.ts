import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './parse-request.js';

const parse = (v: unknown) => parseChatRequest(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

describe('parseChatRequest', () => {
  it('reads the route, messages, stream flags, user and metadata', () => {
    const r = parse({
      model: 'legal',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: null, tool_calls: [] }],
      stream: true,
      stream_options: { include_usage: true },
      user: 'ana',
      metadata: { jurisdiction: 'FR' },
      temperature: 1.5,
    });
    expect(r.ok && r.request).toMatchObject({ route: 'legal', stream: true, includeUsage: true, user: 'ana', vars: { jurisdiction: 'FR' } });
    expect(r.ok && r.request.messages[2]).toEqual({ role: 'assistant', content: null, tool_calls: [] });
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
        expect(r.error.status).toBe(400);
        expect(r.error.message).toMatch(message);
      }
    }
  });
});
