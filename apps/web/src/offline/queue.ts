import type { Schemas } from '@sysponto/client';

/**
 * The offline queue: changes made without a network (or whose answer was lost), kept in order, each with the
 * `Idempotency-Key` it was first sent with, and replayed in order when the network returns. The API replays the
 * first answer for a key it has already seen, so a change is never applied twice, whatever was lost on the way.
 */

/** A teacher's change to one roster row: validate, override, note, mark present, roll call. */
export interface QueuedAttendance {
  kind: 'attendance';
  sessionId: string;
  studentId: string;
  body: Schemas['UpdateAttendanceDto'];
  /** What the teacher saw, for the pending-sync row and the report. */
  fullName: string;
  previousStatus: Schemas['AttendanceStatus'] | null;
}

/** A student's check-in. */
export interface QueuedCheckIn {
  kind: 'check-in';
  body: Schemas['CheckInDto'];
}

export type QueuedChange = (QueuedAttendance | QueuedCheckIn) & {
  /** Storage order (IndexedDB auto-increment): the replay order. */
  seq?: number;
  /** Whose change it is: only replayed while that person is signed in (keys belong to the caller). */
  userId: string;
  /** The Idempotency-Key, fixed when the change was made: every attempt sends the same key and body. */
  key: string;
  /** When it was made (this device's clock; for display only). */
  createdAt: number;
  attempts: number;
};

/** What the server said when a queued change reached it. */
export interface SendResult {
  status: number;
  body: unknown;
  replayed: boolean;
  /** Retry-After in seconds, when the server sent one. */
  retryAfter?: number | null;
}

/** A change the server answered: applied, or refused with its reason (then it leaves the queue too). */
export interface QueueOutcome {
  item: QueuedChange;
  ok: boolean;
  status: number;
  body: unknown;
  /** The error code of a refusal (`attendance/offline-conflict`, `attendance/code-expired`, …). */
  code: string | null;
  message: string | null;
  details: unknown[] | null;
  replayed: boolean;
}

export interface QueueStorage {
  list(userId: string): Promise<QueuedChange[]>;
  add(item: QueuedChange): Promise<QueuedChange>;
  put(item: QueuedChange): Promise<void>;
  remove(seq: number): Promise<void>;
}

/** Why a replay stopped before the end: the network is down, or the server asked to wait. */
export type StopReason = 'network' | 'retry-later' | 'signed-out';

export interface ReplayReport {
  outcomes: QueueOutcome[];
  stopped: StopReason | null;
  /** Seconds the server asked to wait (429/409 in-progress/503), when it said. */
  retryAfter: number | null;
}

/** Thrown by a sender when the request never got an answer (offline, DNS, connection reset, timeout). */
export class NetworkError extends Error {
  constructor(message = 'network unreachable') {
    super(message);
    this.name = 'NetworkError';
  }
}

interface ErrorBody {
  code?: string;
  message?: string;
  details?: unknown[];
}

/** Answers after which the same request should be tried again later, in the same place in the queue. */
function retryLater(status: number, code: string | null): boolean {
  return status >= 500 || status === 429 || status === 408 || code === 'idempotency/in-progress';
}

/**
 * Sends the queued changes of `userId` one by one, oldest first. An applied change or a refusal leaves the queue
 * and is reported; a network failure, a 401 (the session needs signing in again) or an answer that asks to retry
 * stops the replay with the change still at its place, so the order is kept across attempts.
 */
export async function replayQueue(
  storage: QueueStorage,
  userId: string,
  send: (item: QueuedChange) => Promise<SendResult>,
  onOutcome: (o: QueueOutcome) => void = () => undefined,
): Promise<ReplayReport> {
  const outcomes: QueueOutcome[] = [];
  for (const item of await storage.list(userId)) {
    let res: SendResult;
    try {
      res = await send(item);
    } catch (e) {
      await storage.put({ ...item, attempts: item.attempts + 1 });
      if (e instanceof NetworkError) return { outcomes, stopped: 'network', retryAfter: null };
      throw e;
    }
    const ok = res.status >= 200 && res.status < 300;
    const err = (!ok && res.body && typeof res.body === 'object' ? res.body : {}) as ErrorBody;
    const code = ok ? null : (err.code ?? `http/${res.status}`);
    if (res.status === 401) {
      await storage.put({ ...item, attempts: item.attempts + 1 });
      return { outcomes, stopped: 'signed-out', retryAfter: null };
    }
    if (retryLater(res.status, code)) {
      await storage.put({ ...item, attempts: item.attempts + 1 });
      return { outcomes, stopped: 'retry-later', retryAfter: res.retryAfter ?? null };
    }
    await storage.remove(item.seq!);
    const outcome: QueueOutcome = {
      item,
      ok,
      status: res.status,
      body: res.body,
      code,
      message: ok ? null : (err.message ?? null),
      details: ok ? null : Array.isArray(err.details) ? err.details : null,
      replayed: res.replayed,
    };
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return { outcomes, stopped: null, retryAfter: null };
}

/** A queue kept in memory (where IndexedDB is missing, and in tests). */
export function memoryQueueStorage(): QueueStorage & { items: QueuedChange[] } {
  let seq = 0;
  const items: QueuedChange[] = [];
  return {
    items,
    list: async (userId) => items.filter((i) => i.userId === userId).sort((a, b) => a.seq! - b.seq!),
    add: async (item) => {
      const stored = { ...item, seq: ++seq };
      items.push(stored);
      return stored;
    },
    put: async (item) => {
      const i = items.findIndex((x) => x.seq === item.seq);
      if (i >= 0) items[i] = item;
    },
    remove: async (s) => {
      const i = items.findIndex((x) => x.seq === s);
      if (i >= 0) items.splice(i, 1);
    },
  };
}

/**
 * A fresh Idempotency-Key (a random UUID). Built from getRandomValues: crypto.randomUUID exists only in secure
 * contexts, and the app is also opened over plain http on a school's LAN address.
 */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The queued changes shown on a roster: the last one per student wins (a student marked absent then present
 * offline shows present, pending sync).
 */
export function pendingByStudent(items: readonly QueuedChange[], sessionId: string): Map<string, QueuedAttendance> {
  const out = new Map<string, QueuedAttendance>();
  for (const i of items) if (i.kind === 'attendance' && i.sessionId === sessionId) out.set(i.studentId, i);
  return out;
}
