import { sleep, type Clock } from '../../kernel/clock.js';

/** A clock whose sleeps are recorded and shortened to at most `maxRealMs`, so retry waits cost no real time. */
export function recordingClock(maxRealMs = 1): Clock & { readonly delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => Date.now(),
    sleep: (ms, signal) => {
      delays.push(ms);
      return sleep(Math.min(ms, maxRealMs), signal);
    },
  };
}

/** Expects a promise to reject with a ProviderError of this kind; gives the error back. */
export async function rejectsWithKind<E extends { kind: string }>(p: Promise<unknown>, kind: string): Promise<E> {
  try {
    await p;
  } catch (e) {
    const got = (e as { kind?: unknown }).kind;
    if (got !== kind)
      throw new Error(`expected a ProviderError '${kind}', got ${String(got)}: ${(e as Error).message}`, { cause: e });
    return e as E;
  }
  throw new Error(`expected a ProviderError '${kind}', but the call succeeded`);
}

/** Reads a whole stream into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
