import { ServerEvent } from '@sysponto/contracts';
import { Client } from 'pg';
import { api, connect, insertOpenSession, insertUsers, loginAs, mintToken, type ClusterSocket } from './support/api.js';
import {
  JWT_SECRET,
  removeDir,
  type Replica,
  scratchDir,
  sleep,
  startReplica,
  systemEnabled,
  type TestDatabase,
  TestPostgres,
  TestRedis,
  waitFor,
  freePort,
} from './support/cluster.js';

/**
 * Faults under steady check-ins, on a PostgreSQL and a Redis of this test's own (the run's shared services are never
 * touched, so the suites after this one find them running whatever happens here), with two production replicas:
 * check-ins go to r1, the teacher watches on r2.
 *
 * - PostgreSQL fast restart, then `kill -9` of the postmaster (and a restart, as a supervisor would do): every
 *   acknowledged check-in is stored, the API recovers on its own within 10 s of the database accepting connections,
 *   and what fails meanwhile is a 503 with Retry-After — never a 500, never a request left hanging.
 * - Redis stopped for 30 s: REST is unaffected, events reach the teacher again once it is back, and a re-read of the
 *   roster has every acknowledged check-in.
 *
 * Prints the figures (recovery time, answers by status, acknowledged vs stored). Run by `pnpm test:system`.
 */
const describeSystem = systemEnabled ? describe : describe.skip;

interface Answer {
  studentId: string;
  sentAt: number;
  doneAt: number;
  status: number; // 0: no answer (network error or the client's timeout)
  retryAfter: string | null;
  code?: string;
}

/** A client's timeout: an answer slower than this counts as a hang. */
const HANG_MS = 15_000;

/**
 * Steady check-ins by `workers` concurrent clients, each student once; a refused one is retried later (as the SPA
 * does after Retry-After), so every student ends acknowledged.
 */
function steadyCheckIns(url: string, code: string, queue: { id: string; token: string }[], workers = 3) {
  const answers: Answer[] = [];
  const acknowledged = new Set<string>();
  let running = true;
  const worker = async () => {
    while (running && queue.length) {
      const student = queue.shift()!;
      const sentAt = Date.now();
      let status = 0;
      let retryAfter: string | null = null;
      let errorCode: string | undefined;
      try {
        const res = await fetch(`${url}/api/check-ins`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${student.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ code }),
          signal: AbortSignal.timeout(HANG_MS),
        });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        const body = (await res.json().catch(() => ({}))) as { code?: string };
        errorCode = body.code;
      } catch {
        // no answer (network error or HANG_MS): status stays 0
      }
      answers.push({ studentId: student.id, sentAt, doneAt: Date.now(), status, retryAfter, code: errorCode });
      if (status === 200 || status === 201) acknowledged.add(student.id);
      else queue.push(student);
      // Steady, not flat out: ~50 check-ins/s with three clients, so the queue outlasts each phase.
      await sleep(status >= 200 && status < 300 ? 50 : 100);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    answers,
    acknowledged,
    async stop() {
      running = false;
      await done;
    },
  };
}

const byStatus = (answers: Answer[]) => {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 0 ? 'no answer' : String(a.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

const p99 = (answers: Answer[]) => {
  const ms = answers.map((a) => a.doneAt - a.sentAt).sort((a, b) => a - b);
  return ms.length ? ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] : 0;
};

describeSystem('faults under steady check-ins (PostgreSQL restart and kill -9, Redis outage)', () => {
  let dir: string;
  let pg: TestPostgres;
  let redis: TestRedis;
  let db: TestDatabase;
  let r1: Replica;
  let r2: Replica;
  let teacher: { id: string; token: string };
  let students: { id: string; token: string }[];
  let sessionId: string;
  let code: string;
  let next = 0;
  const everyAcknowledged = new Set<string>();
  const sockets: ClusterSocket[] = [];
  const figures: string[] = [];

  /** One query on a fresh connection (the fault tests break long-lived ones). */
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: db.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  const take = (n: number) => {
    const out = students.slice(next, next + n);
    next += n;
    return out;
  };

  beforeAll(async () => {
    dir = scratchDir('sysponto-faults-');
    pg = await TestPostgres.create(dir);
    redis = new TestRedis(await freePort(), dir);
    await redis.start();
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE sysponto');
    await admin.end();
    const url = pg.url.replace(/\/postgres$/, '/sysponto');
    db = { url, query, drop: async () => undefined };
    [r1, r2] = await Promise.all(
      ['r1', 'r2'].map((name) => startReplica({ name, databaseUrl: url, redisUrl: redis.url, dir })),
    );
    const [t] = await insertUsers(db, 'teacher', 1);
    students = (await insertUsers(db, 'student', 5000)).map((s) => ({
      id: s.id,
      token: mintToken(JWT_SECRET, s.id, 'student'),
    }));
    ({ sessionId } = await insertOpenSession(
      db,
      t.id,
      students.map((s) => s.id),
    ));
    teacher = { id: t.id, token: await loginAs(r2.url, t.email) };
    const created = await api<{ code: string }>(r2.url, 'POST', `/api/sessions/${sessionId}/codes`, {
      token: teacher.token,
      body: { mode: 'fixed', validityMinutes: 120 },
    });
    expect(created.status).toBe(201);
    code = created.body.code;
  }, 240_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([r1?.kill('SIGTERM'), r2?.kill('SIGTERM')]);
    await redis?.stop();
    await pg?.stop();
    console.log(['', '=== fault-test figures ===', ...figures, ''].join('\n'));
    if (dir && !process.env.KEEP_CLUSTER_DIR) removeDir(dir);
    else if (dir) console.log(`fault-test logs kept in ${dir}`);
  }, 60_000);

  /** Runs check-ins through `inject` (which resolves once PostgreSQL accepts connections again) and checks the rules. */
  async function databaseFault(name: string, inject: () => Promise<void>) {
    const load = steadyCheckIns(r1.url, code, take(900));
    await sleep(1500);
    const faultAt = Date.now();
    await inject();
    const backAt = Date.now();
    // The first check-in sent after the database was back and acknowledged: the API recovered by itself.
    const recovered = await waitFor(
      `${name}: a check-in acknowledged after PostgreSQL is back`,
      async () => load.answers.find((a) => a.sentAt >= backAt && (a.status === 201 || a.status === 200)),
      20_000,
      50,
    ).catch(() => null);
    await sleep(1000);
    await load.stop();
    for (const id of load.acknowledged) everyAcknowledged.add(id);

    const failed = load.answers.filter((a) => a.status !== 200 && a.status !== 201);
    const stored = await query<{ student_id: string }>(
      `SELECT student_id FROM attendance_records WHERE session_id = $1 AND student_id = ANY($2::uuid[])`,
      [sessionId, [...load.acknowledged]],
    );
    const recoveryMs = recovered ? recovered.doneAt - backAt : null;
    const errorWindow = failed.length ? `${Math.max(...failed.map((a) => a.doneAt)) - faultAt} ms` : 'none';
    figures.push(
      `${name}: database down for ${backAt - faultAt} ms; API recovered ${recoveryMs ?? '(never)'} ms after it was back; ` +
        `errors seen until ${errorWindow} after the fault; answers by status ${JSON.stringify(byStatus(load.answers))}; ` +
        `503 without Retry-After: ${failed.filter((a) => a.status === 503 && !a.retryAfter).length}; ` +
        `acknowledged ${load.acknowledged.size}, stored ${stored.length}; p99 ${p99(load.answers)} ms`,
    );

    expect(recoveryMs).not.toBeNull();
    expect(recoveryMs!).toBeLessThan(10_000);
    // What failed during the outage failed fast and retryable: 503 + Retry-After, never a 500 or a hang.
    expect(failed.filter((a) => a.status !== 503)).toEqual([]);
    expect(failed.filter((a) => !a.retryAfter)).toEqual([]);
    expect(load.acknowledged.size).toBeGreaterThan(20);
    expect(stored).toHaveLength(load.acknowledged.size);
    // No replica was restarted.
    for (const r of [r1, r2]) expect(r.proc.exitCode).toBeNull();
    expect((await api(r2.url, 'GET', '/api/health')).body).toMatchObject({ status: 'ok', database: 'up' });
  }

  it('PostgreSQL fast restart: acknowledged check-ins stored, 503 + Retry-After meanwhile, recovery within 10 s', async () => {
    await databaseFault('PostgreSQL fast restart', () => pg.restartFast());
  }, 120_000);

  it('kill -9 of the postmaster: acknowledged check-ins stored, 503 + Retry-After meanwhile, recovery within 10 s', async () => {
    await databaseFault('PostgreSQL kill -9', async () => {
      pg.kill9();
      await sleep(500); // the supervisor notices
      await pg.start(); // crash recovery
    });
  }, 120_000);

  it('Redis stopped for 30 s: REST unaffected, events resume after it returns, the roster is whole after a re-read', async () => {
    const watcher = await connect(r2.url, teacher.token, { reconnection: true });
    sockets.push(watcher);
    expect((await watcher.timeout(5000).emitWithAck('session.watch', { sessionId })).ok).toBe(true);
    const pushed = new Map<string, number>();
    watcher.on(ServerEvent.AttendanceSubmitted, (p) => pushed.set(p.studentId, Date.now()));
    watcher.io.on('reconnect', () => void watcher.emitWithAck('session.watch', { sessionId }).catch(() => undefined));

    const load = steadyCheckIns(r1.url, code, take(3000));
    await sleep(1000);
    const downAt = Date.now();
    await redis.stop();
    await sleep(30_000);
    await redis.start();
    const backAt = Date.now();
    const during = load.answers.filter((a) => a.sentAt >= downAt && a.sentAt < backAt);
    // Events resume: a check-in acknowledged after Redis is back reaches the teacher on the other replica.
    const resumed = await waitFor(
      'an event on r2 for a check-in on r1 after Redis is back',
      async () => {
        const after = load.answers.filter((a) => a.sentAt >= backAt && a.status === 201);
        const seen = after.map((a) => pushed.get(a.studentId)).filter((t): t is number => t !== undefined);
        return seen.length ? Math.min(...seen) : undefined;
      },
      30_000,
      100,
    );
    await sleep(1000);
    await load.stop();
    for (const id of load.acknowledged) everyAcknowledged.add(id);

    const roster = await api<{ items: { studentId: string; status: string | null }[] }>(
      r2.url,
      'GET',
      `/api/sessions/${sessionId}/attendance`,
      { token: teacher.token },
    );
    expect(roster.status).toBe(200);
    const checkedIn = new Set(roster.body.items.filter((i) => i.status !== null).map((i) => i.studentId));
    const missing = [...everyAcknowledged].filter((id) => !checkedIn.has(id));
    const acknowledgedDuring = during.filter((a) => a.status === 201).map((a) => a.studentId);
    figures.push(
      `Redis stopped 30 s: answers during the outage by status ${JSON.stringify(byStatus(during))} (p99 ${p99(during)} ms); ` +
        `events resumed ${resumed - backAt} ms after Redis was back; events pushed for check-ins made during the outage ` +
        `${acknowledgedDuring.filter((id) => pushed.has(id)).length} of ${acknowledgedDuring.length}; ` +
        `roster re-read: ${checkedIn.size} checked in, ${missing.length} of ${everyAcknowledged.size} acknowledged missing`,
    );

    expect(during.length).toBeGreaterThan(100);
    expect(during.filter((a) => a.status !== 201 && a.status !== 200)).toEqual([]);
    expect(resumed - backAt).toBeLessThan(20_000);
    expect(missing).toEqual([]);
  }, 150_000);
});
