import { describe, expect, it } from 'vitest';
import { responsesRequestSchema, toChatRequest } from './responses-request.js';

const chat = (body: unknown) => {
  const r = toChatRequest(responsesRequestSchema.parse(body));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('a Responses request as the chat request it means', () => {
  it('puts instructions first, keeps item order, joins parallel function calls into one assistant message', () => {
    expect(
      chat({
        model: 'legal',
        instructions: 'Be brief.',
        input: [
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'input_text', text: 'a' },
              { type: 'input_image', image_url: 'https://x/y.png' },
            ],
          },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{"x":1}' },
          { type: 'function_call_output', call_id: 'c1', output: 'one' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
          { role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
        ],
        max_output_tokens: 50,
        temperature: 0.2,
        metadata: { product: 'Acme' },
        user: 'u1',
        stream: true,
      }),
    ).toEqual({
      model: 'legal',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'one' },
        { role: 'tool', tool_call_id: 'c2', content: 'two' },
        { role: 'assistant', content: 'done' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
      metadata: { product: 'Acme' },
      user: 'u1',
    });
  });

  it('writes function tools, tool_choice and text.format in the chat vocabulary', () => {
    const c = chat({
      model: 'legal',
      input: 'x',
      tools: [{ type: 'function', name: 'weather', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'weather' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'p', schema: { type: 'object' }, strict: true } },
    });
    expect(c).toMatchObject({
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'object' }, strict: true } },
    });
    expect(chat({ model: 'legal', input: 'x', text: { format: { type: 'json_object' } } }).response_format).toEqual({
      type: 'json_object',
    });
  });

  it('refuses what it cannot mean, with the reason', () => {
    const refused = (body: unknown) => {
      const r = toChatRequest(responsesRequestSchema.parse(body));
      return r.ok ? '' : r.error.message;
    };
    expect(refused({ model: 'l', input: 'x', previous_response_id: 'resp_1' })).toMatch(/previous_response_id/);
    expect(refused({ model: 'l', input: 'x', store: true })).toMatch(/store: true/);
    expect(refused({ model: 'l', input: 'x', tools: [{ type: 'web_search' }] })).toMatch(/only function tools/);
    expect(refused({ model: 'l', input: [{ type: 'item_reference', id: 'msg_1' }] })).toMatch(/item_reference/);
    expect(refused({ model: 'l', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] })).toMatch(
      /input_file/,
    );
    expect(refused({ model: 'l', input: [{ type: 'computer_call', id: 'c' }] })).toMatch(/computer_call/);
  });
});
