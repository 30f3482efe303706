import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapJanitorOptions {
  /** How often the old generation is looked at. Default 2 s. */
  readonly everyMs?: number;
  /** Collect once the old generation has grown this much (MB) since the last major collection. Default 16. */
  readonly growthMb?: number;
  /** At most one collection in this long. Default 5 s. */
  readonly minGapMs?: number;
}

type Gc = (options: { type: 'major'; execution: 'async' }) => void;

function oldGenerationUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
}

/**
 * Gives memory back after a burst of traffic in `sluice serve`.
 *
 * Under a burst, requests that are still in flight when the young generation
 * is collected are promoted to the old one, where they die. V8 collects the old
 * generation when it reaches a limit it raised during the burst, so once the
 * traffic is back to normal that garbage can stay for minutes. Every `everyMs`
 * this compares the old generation with its size after the last major
 * collection; grown by `growthMb` or more, it asks V8 for a major collection,
 * scheduled as a task (a pause of a few milliseconds for a gateway's live heap
 * of about 20 MB). At steady load little is promoted and it stays idle.
 * Returns the function that stops it.
 */
export function startHeapJanitor(o: HeapJanitorOptions = {}): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  const growth = (o.growthMb ?? 16) * 1024 * 1024;
  let afterMajor = oldGenerationUsed();
  let last = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        afterMajor = oldGenerationUsed();
  });
  observer.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const used = oldGenerationUsed();
    if (used - afterMajor < growth || Date.now() - last < (o.minGapMs ?? 5_000)) return;
    last = Date.now();
    gc({ type: 'major', execution: 'async' });
  }, o.everyMs ?? 2_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
