import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Options } from '@node-rs/argon2';

export interface PasswordHashPoolOptions {
  /** Worker threads doing argon2 (each one hash at a time). */
  threads: number;
  /** Jobs allowed to wait for a thread; one more is refused (`PasswordHashPoolFull`) instead of queueing forever. */
  maxQueue: number;
  /**
   * Nice value of the hashing threads (0–19). Linux schedules threads, and a thread's nice value is its own: at 10 a
   * hashing thread gets about a tenth of a core's time while the event loop, PostgreSQL or Redis want it, and all
   * of it when they are idle. So a login storm drains at the machine's spare hashing rate instead of starving
   * check-ins.
   */
  nice: number;
}

/** Thrown when `maxQueue` jobs already wait: the caller answers 503 with Retry-After. */
export class PasswordHashPoolFull extends Error {
  constructor() {
    super('password hashing queue is full');
  }
}

type Job = { kind: 'hash'; password: string; options: Options } | { kind: 'verify'; hash: string; password: string };

interface Pending {
  job: Job;
  resolve: (value: string | boolean) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/**
 * The worker's code: plain CommonJS run with `eval`, so the same pool works from the build and from the TypeScript
 * sources under jest. It lowers its own thread's priority, then hashes synchronously on that thread (not on libuv's
 * shared pool, whose threads keep the normal priority).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(workerData.nice); } catch {}
const argon2 = require(workerData.argon2);
parentPort.on('message', (job) => {
  try {
    const value = job.kind === 'hash' ? argon2.hashSync(job.password, job.options) : argon2.verifySync(job.hash, job.password);
    parentPort.postMessage({ ok: true, value });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

/**
 * One bounded pool for every argon2 operation of the process (logins, user creation, password changes, the CSV
 * import): at most `threads` run at once, at a low priority, and at most `maxQueue` wait. Threads start on first
 * use and never keep the process alive.
 */
export class PasswordHashPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly argon2Path = createRequire(join(import.meta.dirname, 'password-hash-pool.js')).resolve(
    '@node-rs/argon2',
  );
  private closed = false;

  constructor(readonly options: PasswordHashPoolOptions) {}

  hash(password: string, options: Options): Promise<string> {
    return this.submit({ kind: 'hash', password, options }) as Promise<string>;
  }

  /** False for a wrong password and for a malformed hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return (await this.submit({ kind: 'verify', hash, password })) === true;
    } catch (err) {
      if (err instanceof PasswordHashPoolFull) throw err;
      return false;
    }
  }

  /** Jobs waiting for a thread (not counting those running). */
  get waiting(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('password hashing pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private submit(job: Job): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('password hashing pool closed'));
    return new Promise((resolve, reject) => {
      const pending = { job, resolve, reject };
      const slot = this.slots.find((s) => !s.busy) ?? this.spawn();
      if (slot) return this.start(slot, pending);
      if (this.queue.length >= this.options.maxQueue) return reject(new PasswordHashPoolFull());
      this.queue.push(pending);
    });
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.options.threads) return undefined;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2: this.argon2Path, nice: this.options.nice },
      // argon2 allocates its memory (19 MiB a hash) natively; the thread's own JavaScript needs little.
      resourceLimits: { maxOldGenerationSizeMb: 32 },
    });
    const slot: Slot = { worker, busy: null };
    worker.on('message', (msg: { ok: boolean; value?: string | boolean; error?: string }) => {
      const done = slot.busy;
      slot.busy = null;
      if (done) {
        if (msg.ok) done.resolve(msg.value!);
        else done.reject(new Error(msg.error));
      }
      this.next(slot);
    });
    const fail = (err: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.busy?.reject(err);
      slot.busy = null;
      // A replacement takes the queue over.
      const replacement = this.queue.length && !this.closed ? this.spawn() : undefined;
      if (replacement) this.next(replacement);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`password hashing thread exited (${code})`));
    });
    // Unref'd after the listeners (a 'message' listener refs the worker's port again): an idle thread never keeps
    // the process alive; a busy one does, until its answer (start / next).
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, pending: Pending) {
    slot.busy = pending;
    slot.worker.ref();
    slot.worker.postMessage(pending.job);
  }

  private next(slot: Slot) {
    const pending = this.queue.shift();
    if (pending) this.start(slot, pending);
    else slot.worker.unref();
  }
}
