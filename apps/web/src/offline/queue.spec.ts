import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setBaseFetch } from '@/api/http';
import { sendAttendanceChange, sendCheckIn } from '@/composables/use-offline-queue';
import { setNetworkState } from '@/composables/use-network';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { fakeFetch } from '@/test/fake-fetch';
import { offlineDb, resetOfflineDb } from './db';
import {
  memoryQueueStorage,
  NetworkError,
  newIdempotencyKey,
  pendingByStudent,
  replayQueue,
  type QueuedChange,
  type SendResult,
} from './queue';
import { noteServerDate, resetServerClock, serverNow } from './server-clock';

const S = '22222222-2222-4222-8222-222222222222';
const st = (n: number) => `33333333-3333-4333-8333-33333333333${n}`;

function change(n: number, over: Partial<QueuedChange> = {}): QueuedChange {
  return {
    kind: 'attendance',
    sessionId: S,
    studentId: st(n),
    fullName: `Student ${n}`,
    previousStatus: 'pending',
    body: { status: 'present', override: false, recordedAt: `2026-03-01T10:0${n}:00.000Z` },
    userId: 'u1',
    key: `key-${n}`,
    createdAt: n,
    attempts: 0,
    ...over,
  } as QueuedChange;
}

/** A server that answers from a script and records what it got. */
function server(script: (item: QueuedChange, nth: number) => SendResult | 'no-answer') {
  const got: { key: string; studentId?: string }[] = [];
  const send = async (item: QueuedChange) => {
    const a = script(item, got.length);
    got.push({ key: item.key, studentId: item.kind === 'attendance' ? item.studentId : undefined });
    if (a === 'no-answer') throw new NetworkError();
    return a;
  };
  return { send, got };
}
const ok = (body: unknown = {}, replayed = false): SendResult => ({ status: 200, body, replayed });

describe('replayQueue', () => {
  it('sends the changes oldest first, each with the key it was made with, and empties the queue', async () => {
    const storage = memoryQueueStorage();
    for (const n of [1, 2, 3]) await storage.add(change(n));
    const srv = server(() => ok());
    const report = await replayQueue(storage, 'u1', srv.send);
    expect(srv.got).toEqual([
      { key: 'key-1', studentId: st(1) },
      { key: 'key-2', studentId: st(2) },
      { key: 'key-3', studentId: st(3) },
    ]);
    expect(report).toMatchObject({ stopped: null });
    expect(report.outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(storage.items).toEqual([]);
  });

  it('replays only the signed-in person’s changes', async () => {
    const storage = memoryQueueStorage();
    await storage.add(change(1));
    await storage.add(change(2, { userId: 'u2' }));
    const srv = server(() => ok());
    await replayQueue(storage, 'u1', srv.send);
    expect(srv.got.map((g) => g.key)).toEqual(['key-1']);
    expect(storage.items.map((i) => i.userId)).toEqual(['u2']);
  });

  it('stops at the first change with no answer and keeps it and the rest in order for the next try', async () => {
    const storage = memoryQueueStorage();
    for (const n of [1, 2, 3]) await storage.add(change(n));
    const first = server((_i, nth) => (nth === 1 ? 'no-answer' : ok()));
    const report = await replayQueue(storage, 'u1', first.send);
    expect(report.stopped).toBe('network');
    expect(storage.items.map((i) => [i.key, i.attempts])).toEqual([
      ['key-2', 1],
      ['key-3', 0],
    ]);
    // The lost one may have reached the server: the next try sends the very same key, and the server replays.
    const second = server((i) => ok({}, i.key === 'key-2'));
    const again = await replayQueue(storage, 'u1', second.send);
    expect(second.got.map((g) => g.key)).toEqual(['key-2', 'key-3']);
    expect(again.outcomes.map((o) => [o.item.key, o.replayed])).toEqual([
      ['key-2', true],
      ['key-3', false],
    ]);
    expect(storage.items).toEqual([]);
  });

  it('reports a refusal with its reason and a conflict with what was kept, and goes on with the next change', async () => {
    const storage = memoryQueueStorage();
    for (const n of [1, 2, 3]) await storage.add(change(n));
    const conflict = {
      statusCode: 409,
      code: 'attendance/offline-conflict',
      message: 'changed later',
      details: [{ studentId: st(1), status: 'pending', source: 'code', changedAt: '2026-03-01T10:05:00.000Z' }],
    };
    const srv = server((i) =>
      i.key === 'key-1'
        ? { status: 409, body: conflict, replayed: false }
        : i.key === 'key-2'
          ? { status: 404, body: { code: 'attendance/not-enrolled', message: 'Not enrolled.' }, replayed: false }
          : ok(),
    );
    const seen: string[] = [];
    const report = await replayQueue(storage, 'u1', srv.send, (o) => seen.push(o.item.key));
    expect(seen).toEqual(['key-1', 'key-2', 'key-3']);
    expect(report.outcomes.map((o) => [o.ok, o.code])).toEqual([
      [false, 'attendance/offline-conflict'],
      [false, 'attendance/not-enrolled'],
      [true, null],
    ]);
    expect(report.outcomes[0]!.details).toEqual(conflict.details);
    expect(report.outcomes[1]!.message).toBe('Not enrolled.');
    expect(storage.items).toEqual([]);
  });

  it('waits when the server asks (in progress, rate limited, unavailable, signed out), keeping the change first', async () => {
    for (const [status, code, stopped] of [
      [409, 'idempotency/in-progress', 'retry-later'],
      [429, 'common/rate-limited', 'retry-later'],
      [503, 'common/unavailable', 'retry-later'],
      [401, 'auth/unauthenticated', 'signed-out'],
    ] as const) {
      const storage = memoryQueueStorage();
      await storage.add(change(1));
      await storage.add(change(2));
      const srv = server(() => ({ status, body: { code }, replayed: false, retryAfter: 2 }));
      const report = await replayQueue(storage, 'u1', srv.send);
      expect({ status, stopped: report.stopped, sent: srv.got.length, left: storage.items.length }).toEqual({
        status,
        stopped,
        sent: 1,
        left: 2,
      });
      if (stopped === 'retry-later') expect(report.retryAfter).toBe(2);
    }
  });
});

describe('pendingByStudent', () => {
  it('shows the last queued change per student of that session', () => {
    const items = [
      change(1, { body: { status: 'absent' } } as Partial<QueuedChange>),
      change(2),
      change(1, { body: { status: 'present' } } as Partial<QueuedChange>),
      change(3, { sessionId: 'other' } as Partial<QueuedChange>),
    ];
    const m = pendingByStudent(items, S);
    expect([...m.keys()]).toEqual([st(1), st(2)]);
    expect(m.get(st(1))!.body.status).toBe('present');
  });
});

describe('newIdempotencyKey', () => {
  it('makes random v4 UUIDs', () => {
    const keys = new Set(Array.from({ length: 200 }, newIdempotencyKey));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('server clock', () => {
  it('converts this device’s time to the server’s from the Date of an answer', () => {
    resetServerClock();
    const local = Date.now();
    // The server is 2 hours ahead; the answer took 100 ms.
    noteServerDate(new Date(local + 7200_000).toUTCString(), local - 100, local);
    expect(Math.abs(serverNow().getTime() - (local + 7200_000))).toBeLessThan(1100);
    resetServerClock();
  });
});

describe('offline queue store and sending (IndexedDB)', () => {
  beforeEach(async () => {
    setActivePinia(createPinia());
    await resetOfflineDb();
    resetServerClock();
    setNetworkState({ browser: true, api: true });
  });

  const student = { studentId: st(1), fullName: 'Ana Student', status: 'pending' as const };

  it('queues a change made offline with the time it was made, keeps it across a reload, and sends it once', async () => {
    const store = useOfflineQueueStore();
    await store.use('u1');
    setNetworkState({ api: false });
    const before = Date.now();
    const r = await sendAttendanceChange(S, student, { status: 'present', override: false });
    expect(r).toEqual({ queued: true });
    expect(store.pendingCount).toBe(1);
    const [item] = store.items;
    expect(item).toMatchObject({ kind: 'attendance', studentId: st(1), fullName: 'Ana Student', attempts: 0 });
    const at = Date.parse((item as { body: { recordedAt: string } }).body.recordedAt);
    expect(at).toBeGreaterThanOrEqual(before - 5);
    expect(at).toBeLessThanOrEqual(Date.now() + 5);

    // A reload: a new store reads the same queue from IndexedDB.
    setActivePinia(createPinia());
    const reloaded = useOfflineQueueStore();
    await reloaded.use('u1');
    expect(reloaded.items.map((i) => i.key)).toEqual([item!.key]);

    setNetworkState({ api: true });
    const network = fakeFetch({
      [`PATCH /api/sessions/${S}/attendance/${st(1)}`]: (req) => {
        expect(req.headers.get('idempotency-key')).toBe(item!.key);
        return new Response(JSON.stringify({ studentId: st(1), status: 'present' }), { status: 200 });
      },
    });
    setBaseFetch(network.fn);
    const report = await reloaded.sync();
    expect(report?.outcomes.map((o) => o.ok)).toEqual([true]);
    expect(network.calls).toHaveLength(1);
    expect(JSON.parse(network.calls[0]!.body)).toEqual({
      status: 'present',
      override: false,
      recordedAt: (item as { body: { recordedAt: string } }).body.recordedAt,
    });
    expect(reloaded.items).toEqual([]);
    const db = await offlineDb();
    expect(await db!.count('queue')).toBe(0);
    // Nothing left: a second sync sends nothing.
    await reloaded.sync();
    expect(network.calls).toHaveLength(1);
  });

  it('sends what was queued after an earlier sync found nothing to send', async () => {
    const store = useOfflineQueueStore();
    await store.use('u1');
    expect(await store.sync()).toBeNull();
    setNetworkState({ api: false });
    await sendAttendanceChange(S, student, { status: 'late', override: true });
    setNetworkState({ api: true });
    const network = fakeFetch({
      [`PATCH /api/sessions/${S}/attendance/${st(1)}`]: { status: 200, body: { studentId: st(1), status: 'late' } },
    });
    setBaseFetch(network.fn);
    expect((await store.sync())?.outcomes.map((o) => o.ok)).toEqual([true]);
    expect(network.calls).toHaveLength(1);
  });

  it('re-sends a change whose answer was lost with the same key and body (no recordedAt: it was sent online)', async () => {
    const store = useOfflineQueueStore();
    await store.use('u1');
    const keys: string[] = [];
    const bodies: string[] = [];
    let drop = true;
    setBaseFetch(async (input) => {
      const req = input as Request;
      keys.push(req.headers.get('idempotency-key')!);
      bodies.push(await req.clone().text());
      if (drop) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ studentId: st(1), status: 'absent' }), {
        status: 200,
        headers: { 'idempotent-replayed': 'true' },
      });
    });
    const r = await sendAttendanceChange(S, student, { status: 'absent', override: true, note: 'left early' });
    expect(r).toEqual({ queued: true });
    drop = false;
    setNetworkState({ api: true });
    const report = await store.sync();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(bodies[1]).toBe(bodies[0]);
    expect(JSON.parse(bodies[0]!)).toEqual({ status: 'absent', override: true, note: 'left early' });
    expect(report?.outcomes[0]).toMatchObject({ ok: true, replayed: true });
  });

  it('queues a check-in offline as it is (no phone time) and reports the server’s refusal', async () => {
    const store = useOfflineQueueStore();
    await store.use('u1');
    setNetworkState({ api: false });
    expect(await sendCheckIn({ code: 'ABC234', via: 'code' })).toEqual({ queued: true });
    expect(store.items[0]).toMatchObject({ kind: 'check-in', body: { code: 'ABC234', via: 'code' } });
    setNetworkState({ api: true });
    setBaseFetch(
      fakeFetch({
        'POST /api/check-ins': {
          status: 410,
          body: { statusCode: 410, code: 'attendance/code-expired', message: 'This code has expired.' },
        },
      }).fn,
    );
    const seen: string[] = [];
    store.onOutcome((o) => seen.push(o.code ?? 'ok'));
    await store.sync();
    expect(seen).toEqual(['attendance/code-expired']);
    expect(store.refused).toHaveLength(1);
    expect(store.items).toEqual([]);
  });
});
