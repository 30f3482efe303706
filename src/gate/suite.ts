import { z } from 'zod';
import { slicePathSchema } from '../config/common-schema.js';
import { badInput } from '../kernel/errors.js';
import type { ChatMessage } from '../release/preprocess.js';
import { PackedLines } from './core/packed-lines.js';

export interface SuiteItem {
  readonly id: string;
  readonly slice: string;
  readonly messages: readonly ChatMessage[];
  readonly reference?: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** The item's tools, tool_choice and response_format, passed to the provider as a client's request passes them. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** A human's score for this item, when there is one (prediction-powered estimates). */
  readonly humanScore?: number;
  readonly line: number;
}

const messageSchema = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]),
});

const itemSchema = z
  .looseObject({
    id: z.string().min(1),
    slice: slicePathSchema,
    input: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    reference: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    human_score: z.number().finite().optional(),
    tools: z.array(z.looseObject({ type: z.string() })).optional(),
    tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
    response_format: z.looseObject({ type: z.string() }).optional(),
  })
  .refine((v) => (v.input === undefined) !== (v.messages === undefined), {
    message: 'needs "input" or "messages" (exactly one)',
    path: ['input'],
  });

/** An item's OpenAI request fields (tools, tool_choice, response_format), when it has any. */
function requestFields(v: z.output<typeof itemSchema>): { extra?: Record<string, unknown> } {
  const extra: Record<string, unknown> = {};
  if (v.tools !== undefined) extra.tools = v.tools;
  if (v.tool_choice !== undefined) extra.tool_choice = v.tool_choice;
  if (v.response_format !== undefined) extra.response_format = v.response_format;
  return Object.keys(extra).length ? { extra } : {};
}

/**
 * A suite's text, its bytes as stored, or its bytes held deflated (what a long
 * run keeps); bytes are decoded a line or a block at a time.
 */
export type SuiteSource = string | Uint8Array | PackedLines;

/**
 * The most bytes one suite line may hold (1 MiB): an item is a prompt and its
 * messages, not a corpus, and a longer line is refused before it is decoded or parsed.
 */
export const MAX_SUITE_LINE_BYTES = 1024 * 1024;

/** A line over the cap: its size, never its text. */
interface OversizeLine {
  readonly oversize: number;
}

/** The source's lines (without the newline, not yet trimmed), in order; a line over the cap is not decoded. */
function* lines(src: SuiteSource): Generator<string | OversizeLine> {
  if (src instanceof PackedLines) {
    for (const text of src.lines()) {
      const size = text.length * 3 > MAX_SUITE_LINE_BYTES ? Buffer.byteLength(text) : 0;
      yield size > MAX_SUITE_LINE_BYTES ? { oversize: size } : text;
    }
    return;
  }
  const bytes = typeof src === 'string' ? null : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const length = bytes ? bytes.length : (src as string).length;
  // A newline byte is never part of a multi-byte UTF-8 character, so decoding line by line equals decoding the whole.
  for (let at = 0; at <= length; ) {
    let end = bytes ? bytes.indexOf(10, at) : (src as string).indexOf('\n', at);
    if (end < 0) end = length;
    if (bytes) yield end - at > MAX_SUITE_LINE_BYTES ? { oversize: end - at } : bytes.toString('utf8', at, end);
    else {
      const text = (src as string).slice(at, end);
      const size = text.length * 3 > MAX_SUITE_LINE_BYTES ? Buffer.byteLength(text) : 0;
      yield size > MAX_SUITE_LINE_BYTES ? { oversize: size } : text;
    }
    at = end + 1;
  }
}

/**
 * The suite's items one at a time, in file order, without holding the whole
 * suite: a suite of 100,000 items is parsed as it is consumed. Every problem
 * names file:line and key. `checked`: the whole suite already passed
 * `checkSuite`, so ids need not be kept to find duplicates.
 */
export function* suiteItems(file: string, src: SuiteSource, opts: { checked?: boolean } = {}): Generator<SuiteItem> {
  const seen = opts.checked ? null : new Map<string, number>();
  let line = 0;
  for (const text of lines(src)) {
    line++;
    if (typeof text !== 'string')
      throw badInput(
        `${file}:${line}: the line is ${text.oversize} bytes; a suite line may hold at most ${MAX_SUITE_LINE_BYTES} bytes (1 MiB)`,
        { file, line },
      );
    const raw = text.trim();
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
    if (seen) {
      const first = seen.get(v.id);
      if (first !== undefined)
        throw badInput(`${file}:${line}: id: duplicate item id "${v.id}" (first on line ${first})`, {
          file,
          line,
          key: 'id',
        });
      seen.set(v.id, line);
    }
    yield {
      id: v.id,
      slice: v.slice,
      messages: (v.messages as ChatMessage[] | undefined) ?? [{ role: 'user', content: v.input! }],
      ...(v.reference !== undefined ? { reference: v.reference } : {}),
      vars: v.vars ?? {},
      ...requestFields(v),
      ...(v.human_score !== undefined ? { humanScore: v.human_score } : {}),
      line,
    };
  }
}

/** Checks a whole suite (every line, duplicate ids) and counts its items, keeping none of them. */
export function checkSuite(file: string, src: SuiteSource): number {
  let n = 0;
  for (const _ of suiteItems(file, src)) n++;
  if (n === 0) throw badInput(`${file}: the suite has no items`, { file });
  return n;
}

/** Parses a whole suite into an array (for sampling and small suites). */
export function parseSuite(file: string, src: SuiteSource): SuiteItem[] {
  const items = [...suiteItems(file, src)];
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
