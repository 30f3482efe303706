/**
 * An async task whose runs never overlap: a call while it runs queues one
 * more run after it (however many calls came in meanwhile), so the last
 * caller always sees a run that started after its call.
 */
export class SerialTask {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly task: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running !== null) {
      this.queued = this.running
        .catch(() => {})
        .then(() => {
          this.queued = null;
          return this.start();
        });
      return this.queued;
    }
    return this.start();
  }

  /** Resolves once nothing runs or waits (failures included). */
  async idle(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
  }

  private start(): Promise<void> {
    const p = this.task().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}
