import type { ChatChunk, ChatRequest, ChatResult, ModelProvider } from '../../providers/model-provider.js';

export type Script = string | Error | ((req: ChatRequest) => string);

/**
 * A ModelProvider for judge tests: chat() answers with the scripted replies in
 * turn (the last one repeats) and records every request; embed() looks texts
 * up in a table of vectors.
 */
export class ScriptedProvider implements ModelProvider {
  readonly name = 'scripted';
  readonly kind = 'sim';
  readonly requests: ChatRequest[] = [];
  readonly embedCalls: { model: string; inputs: readonly string[] }[] = [];
  private turn = 0;

  constructor(
    private readonly replies: readonly Script[] = [],
    private readonly vectors: ReadonlyMap<string, number[]> = new Map(),
  ) {}

  async chat(req: ChatRequest): Promise<ChatResult> {
    this.requests.push(req);
    const script = this.replies[Math.min(this.turn++, this.replies.length - 1)];
    if (script === undefined) throw new Error('no scripted reply');
    if (script instanceof Error) throw script;
    const text = typeof script === 'function' ? script(req) : script;
    return {
      text,
      finishReason: 'stop',
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      model: req.model,
    };
  }

  async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const r = await this.chat(req);
    yield { delta: r.text, finishReason: r.finishReason, usage: r.usage };
  }

  async embed(model: string, inputs: readonly string[]): Promise<number[][]> {
    this.embedCalls.push({ model, inputs });
    return inputs.map((t) => {
      const v = this.vectors.get(t);
      if (!v) throw new Error(`no vector for ${JSON.stringify(t)}`);
      return v;
    });
  }

  async close(): Promise<void> {}
}

/** The text of a request's user message. */
export function userText(req: ChatRequest): string {
  const m = req.messages.find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : '';
}
