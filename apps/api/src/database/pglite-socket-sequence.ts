import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Fix for @electric-sql/pglite-socket 0.2.x (embedded default): its query queue runs one protocol *message* at a time
 * and, outside a transaction, takes the next message from any connection. An extended-protocol query is several
 * messages (Parse, Bind, Describe, Execute, Sync) on the one PGlite session, so two connections' queries could
 * interleave — one connection's Bind/Execute then ran on another's unnamed statement or portal. Seen as
 * `portal "" does not exist` (500s) and, worse, results of the wrong query, as soon as a transaction and other queries
 * ran together (test/attendance.e2e-spec.ts "race a close"; fine on PostgreSQL).
 *
 * With this patch a connection that has started a message sequence keeps the session until its Sync (or a simple
 * Query), exactly as the queue already does for an open transaction. EmbeddedPostgres.start applies it to its server.
 */
interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(message: Uint8Array, opts: { onRawData(data: Uint8Array): void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

/** Sync, simple Query, CopyDone, CopyFail, Terminate end a connection's turn. */
const ENDS_TURN = new Set([0x53, 0x51, 0x63, 0x66, 0x58]);

export function keepProtocolSequencesTogether(q: QueryQueue): void {
  let midSequence = false;
  q.processQueue = async function (this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    while (this.queue.length > 0) {
      let item: QueueItem | null;
      if ((this.db.isInTransaction() || midSequence) && this.lastHandlerId !== null) {
        const i = this.queue.findIndex((r) => r.handlerId === this.lastHandlerId);
        item = i === -1 ? null : this.queue.splice(i, 1)[0];
      } else {
        item = this.queue.shift() ?? null;
      }
      if (!item) break;
      const current = item;
      let bytes = 0;
      try {
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(current.message, {
            onRawData: (d) => {
              bytes += d.length;
              current.onData(d);
            },
          }),
        );
      } catch (err) {
        midSequence = false;
        this.processing = false;
        current.reject(err);
        return;
      }
      // A startup message has no type byte: it begins with its length (first byte 0).
      const startup = current.message.length >= 8 && current.message[0] === 0;
      midSequence = !startup && !ENDS_TURN.has(current.message[0]);
      this.lastHandlerId = current.handlerId;
      current.resolve(bytes);
    }
    this.processing = false;
  };
  const clearTransaction = q.clearTransactionIfNeeded.bind(q);
  q.clearTransactionIfNeeded = async function (this: QueryQueue, handlerId: number) {
    // A connection that went away mid-sequence must not hold the session.
    if (midSequence && this.lastHandlerId === handlerId) {
      midSequence = false;
      this.lastHandlerId = null;
      await this.processQueue();
    }
    return clearTransaction(handlerId);
  };
}

/** Applies the fix to one server (before `start()`). */
export function fixPgliteSocketServer(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || typeof queue.processQueue !== 'function') {
    throw new Error('pglite-socket internals changed: re-check database/pglite-socket-sequence.ts before upgrading');
  }
  keepProtocolSequencesTogether(queue);
}
