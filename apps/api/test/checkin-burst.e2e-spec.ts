import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { JwtService } from '@nestjs/jwt';
import { ServerEvent } from '@sysponto/contracts';
import { createCourse, createSession } from './support/factories.js';
import { connectSocket, watch } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Measurement, not a timed assertion: a 300-student burst on the embedded default (PGlite) — all check-ins sent at
 * once over HTTP — prints check-ins/s and the submit → teacher socket latency (p50/p95/max). Correctness is asserted.
 */
describe('check-in burst (figures)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('300 students check in at once', async () => {
    const N = 300;
    const teacher = await actor(t, 'teacher');
    const ids: string[] = (
      await t.dataSource.query(
        `INSERT INTO users (email, full_name, role, password_hash) SELECT 'burst' || i || '@test.local', 'Burst ' || i, 'student', 'x' FROM generate_series(1, $1) i RETURNING id`,
        [N],
      )
    ).map((r: { id: string }) => r.id);
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: ids });
    const session = await createSession(t, course.id);
    const code = (
      await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201)
    ).body.code as string;
    const jwt = t.app.get(JwtService, { strict: false });
    const tokens = ids.map((id) => jwt.sign({ sub: id, role: 'student' }));

    // Warm-up (lazy module loading, JIT, plan caches): 30 check-ins into another session of the course.
    const warm = await createSession(t, course.id);
    const warmCode = (
      await t.http.post(`/api/sessions/${warm.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201)
    ).body.code as string;
    await Promise.all(
      tokens.slice(0, 30).map((token) =>
        fetch(`${t.url}/api/check-ins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ code: warmCode }),
        }).then((r) => r.arrayBuffer()),
      ),
    );

    const socket = await connectSocket(t.url, teacher.token);
    await watch(socket, session.id);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const allPushed = new Promise<void>((resolve) => {
      socket.on(ServerEvent.AttendanceSubmitted, (p) => {
        latencies.push(performance.now() - sentAt.get(p.studentId)!);
        if (latencies.length === N) resolve();
      });
    });

    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const statuses = await Promise.all(
      ids.map(async (id, i) => {
        sentAt.set(id, performance.now());
        const res = await fetch(`${t.url}/api/check-ins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
          body: JSON.stringify({ code }),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const answered = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerCheckIn = (cpu.user + cpu.system) / 1000 / N;
    await Promise.race([
      allPushed,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length} pushes`)), 30_000)),
    ]);
    socket.close();

    expect(statuses.filter((s) => s === 201)).toHaveLength(N);
    const [{ records, events }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM attendance_records WHERE session_id = $1) AS records, (SELECT count(*)::int FROM attendance_events WHERE session_id = $1) AS events`,
      [session.id],
    );
    expect({ records, events }).toEqual({ records: N, events: N });

    // One at a time (no queueing): the round trip of a single check-in.
    const solo = await createSession(t, course.id);
    const soloCode = (
      await t.http.post(`/api/sessions/${solo.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201)
    ).body.code as string;
    const soloStarted = performance.now();
    for (const token of tokens.slice(0, 50)) {
      const res = await fetch(`${t.url}/api/check-ins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ code: soloCode }),
      });
      expect(res.status).toBe(201);
    }
    const soloMs = (performance.now() - soloStarted) / 50;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(N - 1, Math.floor((p / 100) * N))].toFixed(0);
    console.log(
      `check-in burst, ${N} students, ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}: ${answered.toFixed(0)} ms for all answers → ${((N * 1000) / answered).toFixed(0)} check-ins/s; ` +
        `submit → teacher socket latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${latencies[N - 1].toFixed(0)} ms; ` +
        `one at a time ${soloMs.toFixed(1)} ms per check-in; ${cpuMsPerCheckIn.toFixed(1)} ms CPU per check-in (API, PGlite and the 300 clients share this process; load average ${loadavg()[0].toFixed(1)})`,
    );
  });
});
