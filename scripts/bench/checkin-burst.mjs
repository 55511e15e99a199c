// Figures, not a test: a burst of students checking in at once on one session (all requests sent together over HTTP),
// with the teacher watching on a socket. Prints check-ins/s, the submit → teacher socket latency (p50/p95/max), the
// round trip of one check-in at a time and the CPU per check-in; checks that every check-in was stored once.
//   node scripts/bench/checkin-burst.mjs            (after `pnpm --filter api build`; `pnpm bench checkin-burst`)
//   BURST_STUDENTS=300 BENCH_DATABASE_URL=postgres://… node scripts/bench/checkin-burst.mjs
// Moved out of the test suite (it was test/checkin-burst.e2e-spec.ts).
import { performance } from 'node:perf_hooks';
import { apiRequire, call, insertCourse, insertUsers, logIn, startApp, where } from './lib/in-process-app.mjs';

const N = Number(process.env.BURST_STUDENTS) || 300;
const { io } = apiRequire('socket.io-client');

const app = await startApp();
try {
  const [teacher] = await insertUsers(app, 'teacher', 1, 'burst-teacher');
  const students = await insertUsers(app, 'student', N, 'burst');
  const courseId = await insertCourse(app, {
    code: 'BURST',
    teacherIds: [teacher.id],
    studentIds: students.map((s) => s.id),
  });
  const [teacherToken] = await logIn(app, [teacher.email]);
  const tokens = await logIn(
    app,
    students.map((s) => s.email),
  );
  const openSession = async () => {
    const [{ id }] = await app.query(
      `INSERT INTO class_sessions (course_id, starts_at, ends_at, state) VALUES ($1, now() - interval '5 minutes', now() + interval '85 minutes', 'scheduled') RETURNING id`,
      [courseId],
    );
    const code = (
      await call(app, 'POST', `/api/sessions/${id}/codes`, { token: teacherToken, body: { mode: 'fixed' } })
    ).body.code;
    return { id, code };
  };
  const checkIn = (token, code) =>
    fetch(`${app.url}/api/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ code }),
    }).then(async (r) => (await r.arrayBuffer(), r.status));

  // Warm-up (lazy module loading, JIT, plan caches): 30 check-ins into another session of the course.
  const warm = await openSession();
  await Promise.all(tokens.slice(0, 30).map((t) => checkIn(t, warm.code)));

  const session = await openSession();
  const socket = io(app.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token: teacherToken },
    reconnection: false,
  });
  await new Promise((ok, fail) => (socket.once('connect', ok), socket.once('connect_error', fail)));
  await socket.timeout(5000).emitWithAck('session.watch', { sessionId: session.id });
  const sentAt = new Map();
  const latencies = [];
  const allPushed = new Promise((resolve) => {
    socket.on('attendance.submitted', (p) => {
      latencies.push(performance.now() - sentAt.get(p.studentId));
      if (latencies.length === N) resolve();
    });
  });

  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const statuses = await Promise.all(
    students.map((s, i) => {
      sentAt.set(s.id, performance.now());
      return checkIn(tokens[i], session.code);
    }),
  );
  const answered = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await Promise.race([allPushed, new Promise((r) => setTimeout(r, 30_000))]);
  socket.close();

  const [{ records, events }] = await app.query(
    `SELECT (SELECT count(*)::int FROM attendance_records WHERE session_id = $1) AS records,
            (SELECT count(*)::int FROM attendance_events WHERE session_id = $1) AS events`,
    [session.id],
  );
  const created = statuses.filter((s) => s === 201).length;

  // One at a time (no queueing): the round trip of a single check-in.
  const solo = await openSession();
  const soloStarted = performance.now();
  for (const t of tokens.slice(0, 50)) await checkIn(t, solo.code);
  const soloMs = (performance.now() - soloStarted) / 50;

  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * N))].toFixed(0) : '–';
  console.log(`check-in burst, ${N} students (${where(app)}; API, database and clients share this process)`);
  console.log(
    `  answers: ${answered.toFixed(0)} ms for all → ${((N * 1000) / answered).toFixed(0)} check-ins/s; ${created} × 201`,
  );
  console.log(
    `  submit → teacher socket: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${latencies.at(-1)?.toFixed(0) ?? '–'} ms (${latencies.length} pushed)`,
  );
  console.log(`  one at a time: ${soloMs.toFixed(1)} ms per check-in`);
  console.log(`  CPU: ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms per check-in`);
  console.log(`  stored: ${records} records, ${events} events`);
  if (created !== N || records !== N || events !== N || latencies.length !== N) {
    console.error('checkin-burst: not every check-in was answered, stored and pushed once');
    process.exitCode = 1;
  }
} finally {
  await app.close();
}
