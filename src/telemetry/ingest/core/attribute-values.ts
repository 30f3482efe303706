import type { AnyValue, KeyValue } from '../otlp-schema.js';

/** An OTLP value as plain data: text, number, boolean, list, or object (a kvlist). */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** One OTLP AnyValue as plain data (int64 beyond 2^53 loses precision; bytes stay base64). */
export function plainValue(v: AnyValue | undefined): Plain {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(plainValue);
  if (v.kvlistValue !== undefined) return plainObject(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function plainObject(kvs: readonly KeyValue[] | undefined): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  for (const kv of kvs ?? []) out[kv.key] = plainValue(kv.value);
  return out;
}

/** Attributes by key, the first occurrence winning (a duplicate key is a producer's mistake). */
export function attributeMap(kvs: readonly KeyValue[] | undefined): ReadonlyMap<string, Plain> {
  const out = new Map<string, Plain>();
  for (const kv of kvs ?? []) if (!out.has(kv.key)) out.set(kv.key, plainValue(kv.value));
  return out;
}

export function text(v: Plain | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function count(v: Plain | undefined): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}
