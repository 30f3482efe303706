import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// V8 flags are process-wide, so each case runs in a child process, on the build (npm test builds first).
const BUILT = fileURLToPath(new URL('../../../dist/app/server/heap-janitor.js', import.meta.url));

/** Old-generation MB used: [after a burst of promoted garbage, a second later]. */
function afterBurst(janitor: boolean): [number, number] {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { startHeapJanitor } from ${JSON.stringify(BUILT)};
    const oldMb = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size / 1048576;
    const live = Array.from({ length: 50000 }, (_, i) => ({ i, s: 'live ' + i }));
    if (${janitor}) startHeapJanitor({ everyMs: 400, growthMb: 4, minGapMs: 0 });
    // A burst (shorter than the janitor's period): objects that stay alive across young collections, so they die in the old generation.
    let held = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 20000; i++) held.push({ round, i, s: 'burst ' + i });
      if (held.length > 100000) held = held.slice(50000);
      await new Promise((r) => setImmediate(r));
    }
    held = [];
    const before = oldMb();
    await new Promise((r) => setTimeout(r, 1000)); // quiet: nothing allocates
    console.log(JSON.stringify([before, oldMb(), live.length]));
  `;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }),
  ) as number[];
  return [out[0]!, out[1]!];
}

describe.skipIf(!existsSync(BUILT))('startHeapJanitor', () => {
  it('collects the garbage a burst left in the old generation, which V8 alone leaves there while traffic is quiet', () => {
    const [burstAlone, quietAlone] = afterBurst(false);
    const [burst, quiet] = afterBurst(true);
    expect(quietAlone).toBeGreaterThan(burstAlone * 0.8); // nothing gave it back
    expect(quiet).toBeLessThan(burst / 2);
  });
});
