// Figures, not a test: webhook delivery latency under a check-in burst. Boots the production build in this process
// (scripts/bench/lib: the embedded PGlite, or BENCH_DATABASE_URL), with a local receiver on loopback, and enrols
// BENCH_STUDENTS (300) students; then
//   1. a burst of check-ins (all sent at once) with no webhook endpoint — the hot path's baseline,
//   2. the same burst on another session with one endpoint subscribed to attendance.submitted,
// and prints check-in latency p50/p99 for both, and event → receiver latency p50/p99: from the check-in request being
// sent to its webhook arriving, and from the event's `timestamp` (its transaction) to the arrival. Every event must
// arrive once (by webhook-id).
//   node scripts/bench/webhooks.mjs        (after `pnpm --filter api build`; `pnpm bench webhooks`)
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { call, insertCourse, insertUsers, logIn, startApp, where } from './lib/in-process-app.mjs';

const N = Number(process.env.BENCH_STUDENTS) || 300;
const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]) : null;
};

// ---- receiver: records each delivery's arrival (wall clock and monotonic) ----
const arrivals = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = Date.now();
    const mono = performance.now();
    try {
      const json = JSON.parse(body);
      if (json.type === 'attendance.submitted')
        arrivals.push({
          at,
          mono,
          eventAt: Date.parse(json.timestamp),
          studentId: json.data.studentId,
          sessionId: json.data.sessionId,
          id: req.headers['webhook-id'],
        });
    } catch {
      /* not an event */
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const app = await startApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
try {
  const [admin] = await insertUsers(app, 'admin', 1, 'wh-admin');
  const [teacher] = await insertUsers(app, 'teacher', 1, 'wh-teacher');
  const students = await insertUsers(app, 'student', N, 'wh');
  const courseId = await insertCourse(app, {
    code: 'WHBENCH',
    teacherIds: [teacher.id],
    studentIds: students.map((s) => s.id),
  });
  const [adminToken, teacherToken] = await logIn(app, [admin.email, teacher.email]);
  const tokens = await logIn(
    app,
    students.map((s) => s.email),
  );
  const openSession = async () => {
    const [{ id }] = await app.query(
      `INSERT INTO class_sessions (course_id, starts_at, ends_at, state) VALUES ($1, now() - interval '5 minutes', now() + interval '85 minutes', 'scheduled') RETURNING id`,
      [courseId],
    );
    const { code } = (
      await call(app, 'POST', `/api/sessions/${id}/codes`, { token: teacherToken, body: { mode: 'fixed' } })
    ).body;
    return { id, code };
  };
  const checkIn = (token, code) =>
    fetch(`${app.url}/api/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ code }),
    }).then(async (r) => (await r.arrayBuffer(), r.status));
  /** All N check-ins sent together; returns each one's latency and when it was sent (by student id). */
  const burst = async (session) => {
    const sentAt = new Map();
    const times = await Promise.all(
      students.map(async (s, i) => {
        const t0 = performance.now();
        sentAt.set(s.id, t0);
        const status = await checkIn(tokens[i], session.code);
        if (status !== 201 && status !== 200) throw new Error(`check-in answered ${status}`);
        return performance.now() - t0;
      }),
    );
    return { times, sentAt };
  };

  // Warm-up (lazy modules, JIT, plan caches) on a session of its own.
  const warm = await openSession();
  await Promise.all(tokens.slice(0, 30).map((t) => checkIn(t, warm.code)));

  const baseline = await burst(await openSession());
  await call(app, 'POST', '/api/webhooks', {
    token: adminToken,
    body: { url: receiverUrl, events: ['attendance.submitted'] },
  });
  const session = await openSession();
  const hooked = await burst(session);
  const until = Date.now() + 120_000;
  const mine = () => arrivals.filter((a) => a.sessionId === session.id);
  while (mine().length < N && Date.now() < until) await new Promise((r) => setTimeout(r, 50));

  const got = mine();
  const fromRequest = got.map((a) => a.mono - hooked.sentAt.get(a.studentId));
  const fromEvent = got.map((a) => a.at - a.eventAt);
  const unique = new Set(got.map((a) => a.id)).size;
  const figures = {
    where: where(app),
    students: N,
    checkInNoEndpoint: { p50: pct(baseline.times, 50), p99: pct(baseline.times, 99) },
    checkInOneEndpoint: { p50: pct(hooked.times, 50), p99: pct(hooked.times, 99) },
    delivery: {
      received: got.length,
      unique,
      requestToReceiver: { p50: pct(fromRequest, 50), p99: pct(fromRequest, 99), max: pct(fromRequest, 100) },
      eventToReceiver: { p50: pct(fromEvent, 50), p99: pct(fromEvent, 99), max: pct(fromEvent, 100) },
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `webhooks (${figures.where}, ${N} students at once): check-in p50/p99 ${figures.checkInNoEndpoint.p50}/${figures.checkInNoEndpoint.p99} ms ` +
      `without an endpoint, ${figures.checkInOneEndpoint.p50}/${figures.checkInOneEndpoint.p99} ms with one; ` +
      `check-in sent → receiver p50/p99 ${figures.delivery.requestToReceiver.p50}/${figures.delivery.requestToReceiver.p99} ms, ` +
      `event → receiver p50/p99 ${figures.delivery.eventToReceiver.p50}/${figures.delivery.eventToReceiver.p99} ms ` +
      `(${unique}/${N} events, each once: ${unique === got.length && unique === N})`,
  );
  if (unique !== N || got.length !== N) process.exitCode = 1;
} finally {
  await app.close();
  receiver.close();
}
