import { badInput } from '../../kernel/errors.js';
import { isRecord, str } from '../http/json-access.js';
import { lastUserText } from '../../kernel/chat.js';
import type { ChatMessage } from '../../release/preprocess.js';

/** What the simulator knows about an input: its slice and, when the suite has one, the reference answer. */
export interface KnowledgeItem {
  readonly input: string;
  readonly slice: string;
  readonly reference?: string;
}

const MIN_CONTAINED = 12;

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * Inputs → answers. A request's text is looked up exactly (trimmed), then
 * ignoring case and runs of whitespace (what preprocessing may have changed),
 * then as the longest known input contained in it (a user template around it).
 */
export class Knowledge {
  private readonly exact = new Map<string, KnowledgeItem>();
  private readonly loose = new Map<string, KnowledgeItem>();

  constructor(readonly items: readonly KnowledgeItem[]) {
    for (const item of items) {
      const key = item.input.trim();
      if (!this.exact.has(key)) this.exact.set(key, item);
      const n = normalize(key);
      if (!this.loose.has(n)) this.loose.set(n, item);
    }
  }

  static readonly empty = new Knowledge([]);

  find(text: string): KnowledgeItem | undefined {
    const key = text.trim();
    if (key === '') return undefined;
    const hit = this.exact.get(key) ?? this.loose.get(normalize(key));
    if (hit) return hit;
    const n = normalize(key);
    let best: KnowledgeItem | undefined;
    let bestLength = 0;
    for (const [input, item] of this.loose) {
      if (input.length >= MIN_CONTAINED && input.length > bestLength && n.includes(input)) {
        best = item;
        bestLength = input.length;
      }
    }
    return best;
  }
}

/** Parses suite JSONL (`input` or `messages`, `slice`, optional `reference`); a bad line names file:line. */
export function parseKnowledge(text: string, file: string): Knowledge {
  const items: KnowledgeItem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (e) {
      throw badInput(`${file}:${i + 1}: invalid JSON: ${(e as Error).message}`, { file, line: i + 1 });
    }
    if (!isRecord(value)) throw badInput(`${file}:${i + 1}: expected a JSON object`, { file, line: i + 1 });
    const input =
      str(value.input) ?? (Array.isArray(value.messages) ? lastUserText(value.messages as ChatMessage[]) : '');
    if (input === '') return;
    const reference = str(value.reference);
    items.push({ input, slice: str(value.slice) ?? '*', ...(reference === undefined ? {} : { reference }) });
  });
  return new Knowledge(items);
}
