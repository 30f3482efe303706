import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { embed, embedMany, generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientGateway, startClientGateway } from './support/client-gateway.js';

/**
 * Real clients against the gateway on loopback (no stubbed fetch): the
 * official openai client, the AI SDK (its default OpenAI model speaks the
 * Responses API) and LangChain's ChatOpenAI with useResponsesApi. Behind the
 * gateway, a scripted upstream speaks OpenAI's chat wire format and records
 * what it received, so each test sees the release's prompt and preprocessing
 * applied on the way.
 */

let g: ClientGateway;
beforeAll(async () => {
  g = await startClientGateway();
});
afterAll(() => g.close());

describe('openai client × Responses API', () => {
  const client = () => new OpenAI({ apiKey: g.frontend, baseURL: g.base, maxRetries: 0 });

  it('responses.create: instructions and text input through the release prompt and preprocessing; headers on the answer', async () => {
    const { data, response } = await client()
      .responses.create({ model: 'assistant', instructions: 'Answer briefly.', input: 'hello    there' })
      .withResponse();
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('Echo: hello there');
    expect(data.usage).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });
    expect(response.headers.get('x-sluice-release')).toBe(g.release.id);
    expect(response.headers.get('x-sluice-arm')).toBe('stable');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(data.id).toBe(`resp_${response.headers.get('x-request-id')}`);
    const sent = g.lastChat();
    expect(sent.model).toBe('chat-model');
    expect(sent.messages).toEqual([
      { role: 'system', content: g.system },
      { role: 'developer', content: 'Answer briefly.' },
      { role: 'user', content: 'hello there' },
    ]);
  });

  it('responses.create streaming: typed events, text deltas, response.completed with usage', async () => {
    const stream = await client().responses.create({
      model: 'assistant',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream me' }] }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'response.output_text.delta') text += e.delta;
      if (e.type === 'response.completed') completed = e.response;
    }
    expect(text).toBe('Echo: stream me');
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.output_text.done');
    expect(types.at(-1)).toBe('response.completed');
    expect(completed?.output_text ?? completed?.output[0]).toBeTruthy();
    expect(completed?.usage?.total_tokens).toBe(18);
  });

  it('refuses what it does not keep with a clear 400: previous_response_id, store, item references', async () => {
    const c = client();
    await expect(
      c.responses.create({ model: 'assistant', input: 'x', previous_response_id: 'resp_1' }),
    ).rejects.toThrow(/previous_response_id is not supported/);
    await expect(c.responses.create({ model: 'assistant', input: 'x', store: true })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      c.responses.create({ model: 'assistant', input: [{ type: 'item_reference', id: 'msg_1' }] }),
    ).rejects.toThrow(/item_reference needs stored responses/);
    await expect(c.responses.retrieve('resp_1')).rejects.toMatchObject({ status: 404 });
  });

  it('embeddings.create: routed to the release embeddings model, base64 and float', async () => {
    const c = client();
    const { data, response } = await c.embeddings
      .create({ model: 'assistant', input: ['ab   c', 'de'] })
      .withResponse();
    expect(data.data.map((d) => d.embedding)).toEqual([
      [4, 1, 0.5],
      [2, 1, 0.5],
    ]);
    expect(response.headers.get('x-sluice-release')).toBe(g.release.id);
    const sent = g.upstream.received.filter((x) => x.url.endsWith('/embeddings')).at(-1);
    expect(sent?.body).toMatchObject({ model: 'embed-model', input: ['ab c', 'de'] });
    const float = await c.embeddings.create({ model: 'assistant', input: 'xyz', encoding_format: 'float' });
    expect(float.data[0]?.embedding).toEqual([3, 1, 0.5]);
    expect(float.usage.total_tokens).toBeGreaterThan(0);
  });

  it('models.retrieve and the model list; unknown routes are 404', async () => {
    const c = client();
    expect(await c.models.retrieve('assistant')).toMatchObject({ id: 'assistant', object: 'model' });
    await expect(c.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
    expect((await c.models.list()).data.map((x) => x.id)).toEqual(['assistant']);
  });

  it('authenticates with the gateway key: none or a wrong one is 401, a key scoped elsewhere is 403, its rpm 429', async () => {
    await expect(
      new OpenAI({ apiKey: 'sk-not-a-key', baseURL: g.base, maxRetries: 0 }).responses.create({
        model: 'assistant',
        input: 'x',
      }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const tiny = new OpenAI({ apiKey: g.limited, baseURL: g.base, maxRetries: 0 });
    await expect(tiny.responses.create({ model: 'assistant', input: 'x' })).rejects.toMatchObject({ status: 403 });
    const over = await fetch(`${g.base}/models`, { headers: { authorization: `Bearer ${g.limited}` } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
  });

  it('legacy completions: a clear 404 naming the alternatives', async () => {
    const c = client();
    await expect(c.completions.create({ model: 'assistant', prompt: 'x' })).rejects.toThrow(
      /POST \/v1\/chat\/completions or POST \/v1\/responses/,
    );
  });

  it('traces name the client, the endpoint and the model', async () => {
    await g.gateway.flush();
    const mine = g.traces.filter((t) => t.client === 'app-frontend');
    expect(mine.some((t) => t.endpoint === 'responses' && t.model === 'up/chat-model')).toBe(true);
    expect(mine.some((t) => t.endpoint === 'embeddings' && t.model === 'up/embed-model' && t.output === '')).toBe(true);
    // The observer and the shadow mirror see a Responses answer as they see a chat one (its input after
    // preprocessing, its request to serve again); an embeddings call is neither judged nor mirrored.
    const responses = g.finished.find((f) => f.endpoint === 'responses' && f.status === 200);
    expect(responses).toMatchObject({ client: 'app-frontend', input: 'hello there', output: 'Echo: hello there' });
    expect(responses?.request?.messages.at(-1)).toEqual({ role: 'user', content: 'hello    there' });
    const embeddings = g.finished.find((f) => f.endpoint === 'embeddings' && f.status === 200);
    expect(embeddings?.request).toBeUndefined();
    expect(embeddings?.output).toBe('');
  });
});

describe('AI SDK (ai + @ai-sdk/openai) × Responses API', () => {
  const openai = () => createOpenAI({ apiKey: g.frontend, baseURL: g.base });

  it('generateText', async () => {
    const r = await generateText({ model: openai()('assistant'), prompt: 'hi from the sdk' });
    expect(r.text).toBe('Echo: hi from the sdk');
    expect(g.upstream.received.at(-1)?.url).toBe('/v1/chat/completions');
  });

  it('streamText', async () => {
    const r = streamText({ model: openai()('assistant'), prompt: 'stream from the sdk' });
    let text = '';
    for await (const t of r.textStream) text += t;
    expect(text).toBe('Echo: stream from the sdk');
  });

  it('embed and embedMany: /v1/embeddings routed to the release embeddings model', async () => {
    const model = openai().embedding('assistant');
    const one = await embed({ model, value: 'ab   c' });
    expect(one.embedding).toEqual([4, 1, 0.5]);
    const many = await embedMany({ model, values: ['xyz', 'de'] });
    expect(many.embeddings).toEqual([
      [3, 1, 0.5],
      [2, 1, 0.5],
    ]);
    const sent = g.upstream.received.filter((x) => x.url.endsWith('/embeddings')).at(-1);
    expect(sent?.body).toMatchObject({ model: 'embed-model', input: ['xyz', 'de'] });
  });
});

describe('LangChain ChatOpenAI (useResponsesApi) × Responses API', () => {
  const model = () =>
    new ChatOpenAI({
      model: 'assistant',
      apiKey: g.frontend,
      configuration: { baseURL: g.base },
      useResponsesApi: true,
      maxRetries: 0,
    });

  it('invoke', async () => {
    const r = await model().invoke('hi from langchain');
    expect(r.text).toBe('Echo: hi from langchain');
  });

  it('stream', async () => {
    let text = '';
    for await (const chunk of await model().stream('stream from langchain')) text += chunk.text;
    expect(text).toBe('Echo: stream from langchain');
  });

  it('OpenAIEmbeddings: embedQuery and embedDocuments', async () => {
    const e = new OpenAIEmbeddings({ model: 'assistant', apiKey: g.frontend, configuration: { baseURL: g.base } });
    expect(await e.embedQuery('ab   c')).toEqual([4, 1, 0.5]);
    expect(await e.embedDocuments(['xyz', 'de'])).toEqual([
      [3, 1, 0.5],
      [2, 1, 0.5],
    ]);
  });
});

describe('bad input on the new endpoints', () => {
  it('answers every malformed Responses and embeddings body with an OpenAI-style 4xx, never a 5xx', async () => {
    const bodies: unknown[] = [
      null,
      [],
      'text',
      {},
      { model: 'assistant' },
      { model: 'assistant', input: 5 },
      { model: 'assistant', input: [{ role: 'wizard', content: 'x' }] },
      { model: 'assistant', input: [{ type: 'function_call', name: 'f' }] },
      { model: 'assistant', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] },
      { model: 'assistant', input: 'x', tools: [{ type: 'web_search' }] },
      { model: 'assistant', input: 'x', text: { format: { type: 'json_schema' } } },
      { model: 'assistant', input: 'x', tool_choice: 'sometimes' },
      { model: 'assistant', input: 'x', metadata: { a: 1 } },
      { model: 'assistant', input: [1, 2] },
      { model: 'assistant', input: ['a', 3] },
      { model: 'assistant', input: 'x', encoding_format: 'hex' },
      { model: 'assistant', input: 'x', dimensions: 8 },
      { model: 'nope', input: 'x' },
      JSON.parse('{"model": "assistant", "input": "x", "__proto__": {"stream": true}}'),
    ];
    for (const path of ['responses', 'embeddings']) {
      for (const body of [...bodies, '{"model": "assistant", "input": ']) {
        const res = await fetch(`${g.base}/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${g.frontend}`, 'content-type': 'application/json' },
          body: typeof body === 'string' && body.startsWith('{') ? body : JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status === 200) continue; // a body that is valid for this endpoint
        expect(res.status >= 400 && res.status < 500, `${path} ${JSON.stringify(body)} → ${res.status} ${text}`).toBe(
          true,
        );
        expect(JSON.parse(text)).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
      }
    }
  });
});

describe('gateway.forward_client_auth', () => {
  it("passes the client's own Authorization to the upstream only when it is on; the gateway key never goes", async () => {
    const on = await startClientGateway({ forwardClientAuth: true });
    const off = await startClientGateway({ mode: 'optional' });
    try {
      const ask = (gw: ClientGateway, headers: Record<string, string>) =>
        fetch(`${gw.base}/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ model: 'assistant', input: 'hi' }),
        });
      expect((await ask(on, { authorization: 'Bearer sk-provider-1', 'x-sluice-key': on.frontend })).status).toBe(200);
      expect(on.upstream.received.at(-1)?.headers.authorization).toBe('Bearer sk-provider-1');
      expect((await ask(on, { authorization: `Bearer ${on.frontend}` })).status).toBe(200);
      expect(on.upstream.received.at(-1)?.headers.authorization).toBeUndefined();
      expect((await ask(off, { authorization: 'Bearer sk-provider-1' })).status).toBe(200);
      expect(off.upstream.received.at(-1)?.headers.authorization).toBeUndefined();
    } finally {
      await on.close();
      await off.close();
    }
  });
});
