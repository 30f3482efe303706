import { z } from 'zod';
import { slicePathSchema } from '../config/common-schema.js';
import { badInput } from '../core/errors.js';
import type { ChatMessage } from '../preprocess/preprocess.js';

export interface SuiteItem {
  readonly id: string;
  readonly slice: string;
  readonly messages: readonly ChatMessage[];
  readonly reference?: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** A human's score for this item, when there is one (prediction-powered estimates). */
  readonly humanScore?: number;
  readonly line: number;
}

const messageSchema = z.looseObject({ role: z.string().min(1), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]) });

const itemSchema = z
  .looseObject({
    id: z.string().min(1),
    slice: slicePathSchema,
    input: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    reference: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    human_score: z.number().finite().optional(),
  })
  .refine((v) => (v.input === undefined) !== (v.messages === undefined), { message: 'needs "input" or "messages" (exactly one)', path: ['input'] });

/**
 * The suite's items one at a time, in file order, without holding the whole
 * suite: a suite of 100,000 items is parsed as it is consumed. Every problem
 * names file:line and key.
 */
export function* suiteItems(file: string, text: string): Generator<SuiteItem> {
  const seen = new Map<string, number>();
  let at = 0;
  for (let line = 1; at <= text.length; line++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const raw = text.slice(at, end).trim();
    at = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw badInput(`${file}:${line}: not JSON (${(e as Error).message})`, { file, line });
    }
    const r = itemSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const key = issue.path.join('.') || 'item';
      throw badInput(`${file}:${line}: ${key}: ${issue.message}`, { file, line, key });
    }
    const v = r.data;
    const first = seen.get(v.id);
    if (first !== undefined) throw badInput(`${file}:${line}: id: duplicate item id "${v.id}" (first on line ${first})`, { file, line, key: 'id' });
    seen.set(v.id, line);
    yield {
      id: v.id,
      slice: v.slice,
      messages: (v.messages as ChatMessage[] | undefined) ?? [{ role: 'user', content: v.input! }],
      ...(v.reference !== undefined ? { reference: v.reference } : {}),
      vars: v.vars ?? {},
      ...(v.human_score !== undefined ? { humanScore: v.human_score } : {}),
      line,
    };
  }
}

/** Checks a whole suite (every line, duplicate ids) and counts its items, keeping none of them. */
export function checkSuite(file: string, text: string): number {
  let n = 0;
  for (const _ of suiteItems(file, text)) n++;
  if (n === 0) throw badInput(`${file}: the suite has no items`, { file });
  return n;
}

/** Parses a whole suite into an array (for sampling and small suites). */
export function parseSuite(file: string, text: string): SuiteItem[] {
  const items = [...suiteItems(file, text)];
  if (items.length === 0) throw badInput(`${file}: the suite has no items`, { file });
  return items;
}

/** A stratified sample: up to `n` items, the same share of each slice, deterministic. */
export function sampleSuite(items: readonly SuiteItem[], n: number): SuiteItem[] {
  if (n >= items.length) return [...items];
  const bySlice = new Map<string, SuiteItem[]>();
  for (const it of items) bySlice.set(it.slice, [...(bySlice.get(it.slice) ?? []), it]);
  const out: SuiteItem[] = [];
  for (const group of bySlice.values()) {
    const take = Math.max(1, Math.round((group.length * n) / items.length));
    const step = group.length / take;
    for (let k = 0; k < take && out.length < n; k++) out.push(group[Math.floor(k * step)]!);
  }
  return out;
}
