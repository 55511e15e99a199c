import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { type CheckInCall, type CheckInRow, checkInBatch, checkInOne } from './check-in.queries.js';

interface Pending {
  call: CheckInCall;
  resolve: (row: CheckInRow | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Micro-batching of the check-in (issue 15): check-ins that arrive while the database is busy with earlier ones are
 * sent together as ONE statement (one round trip, one transaction, one commit), each through the same
 * attendance_check_in function (VOLATILE: each call sees what the calls before it in the statement wrote), in
 * student order and, for one student, in the order they arrived — so every rule, the idempotency (a student twice in
 * a batch: the second call sees the first's record) and the session lock are exactly those of a single check-in.
 * The batch's calls share one transaction, so one now(): that of the statement's start, after every call in it
 * arrived — as for a single check-in that waited for a connection.
 *
 * - At most `inFlight` statements run at once; a request that finds a free slot goes out at the end of the current
 *   event-loop turn with whatever else arrived in that turn (no timer when idle: no added latency); the others
 *   wait and leave together, up to `maxSize`, as soon as a slot frees up (optionally after `windowMs` more).
 * - Each request gets its own row (or none) back; the caller turns it into its own answer or error and emits its
 *   event — after the statement returned, i.e. after the batch committed.
 * - If the batch statement fails (e.g. a deadlock, a constraint a row hit), nothing of it was committed: each call
 *   is then sent alone, so one bad call cannot fail the others and each gets its own error.
 */
@Injectable()
export class CheckInBatcher {
  private readonly logger = new Logger('CheckInBatcher');
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;
  /** Figures for the bench and the tests: statements sent and check-ins they carried. */
  readonly stats = { batches: 0, calls: 0, largest: 0, fallbacks: 0 };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Check-ins waiting for a free slot (tests hold the database to see them grouped). */
  get waiting(): number {
    return this.queue.length;
  }

  run(call: CheckInCall): Promise<CheckInRow | undefined> {
    const { maxSize } = this.config.attendance.checkInBatch;
    if (maxSize <= 1) return this.one(call);
    return new Promise((resolve, reject) => {
      this.queue.push({ call, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    const { inFlight, windowMs } = this.config.attendance.checkInBatch;
    if (this.scheduled || this.running >= inFlight || !this.queue.length) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flush();
    };
    if (windowMs > 0) setTimeout(go, windowMs);
    else setImmediate(go);
  }

  private flush() {
    const { maxSize, inFlight } = this.config.attendance.checkInBatch;
    while (this.queue.length && this.running < inFlight) {
      const batch = this.queue.splice(0, maxSize);
      this.running++;
      void this.send(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async send(batch: Pending[]) {
    this.stats.batches++;
    this.stats.calls += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    if (batch.length === 1) {
      const [p] = batch;
      await this.one(p.call).then(p.resolve, p.reject);
      return;
    }
    // In student order (a stable sort: one student's calls keep their arrival order, so the first one wins): two
    // batches in flight then insert the records they share in the same order, one waiting for the other to commit
    // instead of each holding a record the other needs (a deadlock).
    batch.sort((a, b) => (a.call.studentId < b.call.studentId ? -1 : a.call.studentId > b.call.studentId ? 1 : 0));
    let rows: (CheckInRow | undefined)[];
    try {
      rows = await checkInBatch(
        this.dataSource,
        batch.map((p) => p.call),
      );
    } catch (err) {
      this.stats.fallbacks++;
      this.logger.warn(`A batch of ${batch.length} check-ins failed (${(err as Error).message}); sending each alone`);
      await Promise.all(batch.map((p) => this.one(p.call).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => p.resolve(rows[i]));
  }

  private one(call: CheckInCall): Promise<CheckInRow | undefined> {
    return checkInOne(this.dataSource, call);
  }
}
