import { describe, expect, it } from 'vitest';
import type { Plain } from './attribute-values.js';
import { genAiExchange, type SpanEventView } from './gen-ai-exchange.js';

const attrs = (o: Record<string, Plain>) => new Map(Object.entries(o));
const event = (name: string, o: Record<string, Plain> = {}): SpanEventView => ({ name, attributes: attrs(o) });

describe('genAiExchange', () => {
  it('reads gen_ai.input.messages / output.messages with system instructions, tokens, model and finish reason', () => {
    const x = genAiExchange(
      attrs({
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 4,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        'gen_ai.input.messages': JSON.stringify([
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'Hi ' },
              { type: 'text', content: 'there' },
            ],
          },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Hello.' }], finish_reason: 'length' },
        ]),
      }),
      [],
    );
    expect(x).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
      ],
      output: 'Hello.',
      inputTokens: 10,
      outputTokens: 4,
      model: 'anthropic/claude',
      finishReason: 'length',
    });
  });

  it('reads the messages from a gen_ai.client.inference.operation.details event, structured or OpenAI-shaped', () => {
    const x = genAiExchange(attrs({ 'gen_ai.operation.name': 'chat' }), [
      event('gen_ai.client.inference.operation.details', {
        'gen_ai.input.messages': [{ role: 'user', content: [{ type: 'input_text', text: 'Ping?' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', content: 'Pong.' }],
      }),
    ]);
    expect(x).toMatchObject({ messages: [{ role: 'user', content: 'Ping?' }], output: 'Pong.' });
  });

  it("reads OpenLLMetry's indexed gen_ai.prompt.N / gen_ai.completion.N attributes", () => {
    const x = genAiExchange(
      attrs({
        'gen_ai.system': 'openai',
        'gen_ai.response.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 5,
        'gen_ai.usage.completion_tokens': '2',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You are terse.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Capital of France?',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'Paris.',
        'gen_ai.completion.0.finish_reason': 'stop',
      }),
      [],
    );
    expect(x).toEqual({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Capital of France?' },
      ],
      output: 'Paris.',
      inputTokens: 5,
      outputTokens: 2,
      model: 'openai/gpt-4o',
      finishReason: 'stop',
    });
  });

  it('reads one event per message and the gen_ai.choice event', () => {
    const x = genAiExchange(attrs({}), [
      event('gen_ai.system.message', { content: 'Be kind.' }),
      event('gen_ai.user.message', { content: 'Hello?' }),
      event('gen_ai.choice', { message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }),
    ]);
    expect(x).toEqual({
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hello?' },
      ],
      output: 'Hi!',
      finishReason: 'stop',
    });
  });

  it('tells a span that is no GenAI span from a GenAI span without its content', () => {
    expect(genAiExchange(attrs({ 'http.request.method': 'GET' }), [event('exception')])).toBe('not-gen-ai');
    expect(genAiExchange(attrs({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }), [])).toBe(
      'no-content',
    );
    expect(genAiExchange(attrs({ 'gen_ai.prompt': 'only a question' }), [])).toBe('no-content');
  });
});
