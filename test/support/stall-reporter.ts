import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Silence this long means a worker is stuck where no test timeout can reach it (a blocked event loop). */
const STALL_MS = Number(process.env.SLUICE_TEST_STALL_MS ?? 10 * 60_000);

/**
 * Turns a stuck run into a failing one that names what was running: a test
 * timeout fires inside its worker, so a worker blocked in a synchronous call
 * would otherwise hold the run until the CI's own limit.
 */
export default class StallReporter implements Reporter {
  private last = Date.now();
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  onTestRunStart(): void {
    this.timer = setInterval(() => this.check(), Math.min(30_000, STALL_MS / 4));
    this.timer.unref();
  }

  onTestModuleStart(m: TestModule): void {
    this.seen(m.moduleId, true);
  }

  onTestModuleEnd(m: TestModule): void {
    this.seen(m.moduleId, false);
  }

  onTestCaseReady(t: TestCase): void {
    this.seen(`${t.module.moduleId} > ${t.fullName}`, true);
  }

  onTestCaseResult(t: TestCase): void {
    this.seen(`${t.module.moduleId} > ${t.fullName}`, false);
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  private seen(what: string, started: boolean): void {
    this.last = Date.now();
    if (started) this.running.set(what, this.last);
    else this.running.delete(what);
  }

  private check(): void {
    const quiet = Date.now() - this.last;
    if (quiet < STALL_MS) return;
    const lines = [...this.running].map(
      ([what, since]) => `  ${what} (running ${Math.round((Date.now() - since) / 1000)} s)`,
    );
    process.stderr.write(
      `\nStalled: no test has started or finished for ${Math.round(quiet / 1000)} s. Still running:\n${lines.join('\n') || '  (nothing: stuck between files)'}\n`,
    );
    process.exit(1);
  }
}
