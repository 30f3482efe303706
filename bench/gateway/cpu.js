// CPU accounting on Linux (/proc): a process's CPU time, and the machine's
// busy time, so a bench can say how much of the machine other processes took
// while it measured.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of process `pid` so far, in ms (null when unreadable). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU time spent not idle, all cores together, since boot, in ms. */
export function machineBusyMs() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/**
 * Starts accounting for `pids` (plus this process); stop() returns the CPU ms
 * each used, and `othersCores`: the machine's busy time not used by them,
 * divided by the wall time (0 on a quiet machine, 2 when two other cores' worth
 * of work ran meanwhile).
 */
export function cpuAccount(pids) {
  const t0 = performance.now();
  const m0 = machineBusyMs();
  const p0 = pids.map(cpuMs);
  const s0 = process.cpuUsage();
  return {
    stop() {
      const wall = performance.now() - t0;
      const s = process.cpuUsage(s0);
      const self = (s.user + s.system) / 1000;
      const used = pids.map((pid, i) => cpuMs(pid) - p0[i]);
      const others = machineBusyMs() - m0 - self - used.reduce((a, b) => a + b, 0);
      return {
        wallMs: wall,
        selfMs: self,
        usedMs: used,
        othersCores: Math.max(0, Math.round((others / wall) * 100) / 100),
      };
    },
  };
}
