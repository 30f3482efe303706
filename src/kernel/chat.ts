import type { ChatMessage } from '../release/preprocess.js';

/** The text of a message: its string content, or its text parts joined by newlines. */
export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  const texts: string[] = [];
  for (const part of m.content) if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  return texts.join('\n');
}

/** The system messages' text, joined by blank lines ('' when there is none). */
export function systemText(messages: readonly ChatMessage[]): string {
  return messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map(messageText)
    .join('\n\n');
}

/** The text of the last user message ('' when there is none). */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user') return messageText(m);
  }
  return '';
}

/** A rough token count (characters / 4), for budgets decided before the upstream reports usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A case-insensitive header lookup. */
export function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}
