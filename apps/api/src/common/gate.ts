/** Thrown by {@link Gate.run} when `maxQueue` tasks already wait. */
export class GateFull extends Error {
  constructor() {
    super('too many tasks waiting');
  }
}

/**
 * At most `limit` tasks run at once; up to `maxQueue` more wait their turn in arrival order (a waiting task costs a
 * pending promise, nothing else); one more is refused with {@link GateFull}. A finished task hands its place to the
 * next one waiting.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxQueue: number,
  ) {}

  /** Tasks waiting for a place (not counting those running). */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else if (this.waiting.length >= this.maxQueue) throw new GateFull();
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
