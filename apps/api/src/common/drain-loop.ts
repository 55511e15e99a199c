/**
 * Runs a background worker's `drain` one at a time: a kick while a run is in progress asks for exactly one more run
 * after it (so work queued meanwhile is not left for the next poll), and nothing starts once stopped. The mail outbox
 * and the webhook dispatcher use it.
 */
export class DrainLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly drain: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** True once {@link stop} was called: a drain checks it between batches. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Starts a run now, or one more after the current one; never waits for it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Starts nothing more and waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }
}
