/** A function call an assistant message makes (OpenAI's chat `tool_calls` entry). */
export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A piece of a streamed tool call (OpenAI's `delta.tool_calls` entry): the first piece of a call names it. */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

/**
 * Puts streamed tool-call pieces back together, in index order: ids and names
 * from the first piece that has them, arguments concatenated.
 */
export class ToolCallAssembler {
  private readonly parts: { id: string; name: string; arguments: string }[] = [];

  add(deltas: readonly ToolCallDelta[]): void {
    for (const d of deltas) {
      let c = this.parts[d.index];
      if (!c) {
        c = { id: '', name: '', arguments: '' };
        this.parts[d.index] = c;
      }
      if (d.id) c.id = d.id;
      if (d.function?.name) c.name += d.function.name;
      if (d.function?.arguments) c.arguments += d.function.arguments;
    }
  }

  get size(): number {
    return this.parts.length;
  }

  toolCalls(): ToolCall[] {
    return this.parts
      .filter((c) => c !== undefined)
      .map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
  }
}

/** A whole call as the one delta that carries it (for upstreams that send a tool call in one piece). */
export function wholeCallDelta(index: number, call: ToolCall): ToolCallDelta {
  return {
    index,
    id: call.id,
    type: 'function',
    function: { name: call.function.name, arguments: call.function.arguments },
  };
}
