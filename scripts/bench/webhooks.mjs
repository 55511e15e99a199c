// Webhook delivery latency under a check-in burst (`node scripts/bench/webhooks.mjs`; needs `pnpm build`).
// Starts the production build (node apps/api/dist/main.js) on the embedded database (or DATABASE_URL / REDIS_URL
// when set), with a local receiver on loopback; enrols BENCH_STUDENTS (300) students, then:
//   1. a burst of check-ins with no webhook endpoint (the hot path's baseline),
//   2. the same burst on another session with one endpoint subscribed to attendance.submitted,
// and prints check-in latency p50/p99 for both and event → receiver latency p50/p99 (receiver arrival minus the
// event's `timestamp`, same machine clock). Bounded in count and time; everything stays on this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '../..');
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PASSWORD = 'bench-password-0123';
const work = mkdtempSync(join(tmpdir(), 'sysponto-whbench-'));
const log = (...a) => console.error(`[webhooks-bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s.length ? +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1) : null;
};

async function freePort() {
  const srv = http.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

// ---- receiver ----
const arrivals = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = Date.now();
    try {
      const json = JSON.parse(body);
      if (json.type === 'attendance.submitted')
        arrivals.push({ at, eventAt: Date.parse(json.timestamp), id: req.headers['webhook-id'] });
    } catch {
      /* ignore */
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

// ---- app ----
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = spawn(process.execPath, [join(ROOT, 'apps/api/dist/main.js')], {
  cwd: ROOT,
  env: {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: join(work, 'data'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    API_KEY_RATE_LIMIT_PER_MINUTE: '100000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stop = () => {
  app.kill('SIGTERM');
  receiver.close();
  setTimeout(() => rmSync(work, { recursive: true, force: true }), 500).unref();
};
process.on('exit', () => app.kill('SIGKILL'));

async function api(method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok && res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await fn(items[k], k);
      }
    }),
  );
  return out;
}

try {
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('the app did not start in 240 s');
    await sleep(500);
  }
  const admin = (await api('POST', '/api/auth/login', null, { email: 'admin@example.com', password: 'sysponto-demo' }))
    .accessToken;
  log(`creating ${STUDENTS} students`);
  const tag = Date.now().toString(36);
  const students = await pool([...Array(STUDENTS).keys()], 4, async (k) => {
    const email = `wh-${tag}-${k}@bench.test`;
    const { user } = await api('POST', '/api/users', admin, {
      email,
      fullName: `Bench ${k}`,
      role: 'student',
      password: PASSWORD,
    });
    return { id: user.id, email };
  });
  const course = await api('POST', '/api/courses', admin, {
    code: `WH${tag}`.slice(0, 16).toUpperCase(),
    name: 'Webhook bench',
    timezone: 'UTC',
  });
  await api('POST', `/api/courses/${course.id}/enrollments`, admin, { studentIds: students.map((s) => s.id) });
  log('signing the students in');
  const tokens = await pool(
    students,
    4,
    async (s) => (await api('POST', '/api/auth/login', null, { email: s.email, password: PASSWORD })).accessToken,
  );

  const now = Date.now();
  const mkSession = async () =>
    api('POST', `/api/courses/${course.id}/sessions`, admin, {
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
    });
  const burst = async (label) => {
    const session = await mkSession();
    const { code } = await api('POST', `/api/sessions/${session.id}/codes`, admin, { mode: 'fixed' });
    log(`burst: ${STUDENTS} check-ins, ${CONCURRENCY} at a time (${label})`);
    const started = Date.now();
    const times = await pool(tokens, CONCURRENCY, async (token) => {
      const t0 = performance.now();
      await api('POST', '/api/check-ins', token, { code });
      return performance.now() - t0;
    });
    return { times, wallMs: Date.now() - started };
  };

  const base1 = await burst('no webhook endpoint');
  const hook = await api('POST', '/api/webhooks', admin, { url: receiverUrl, events: ['attendance.submitted'] });
  const withHook = await burst('one endpoint subscribed');
  const until = Date.now() + 120_000;
  while (arrivals.length < STUDENTS && Date.now() < until) await sleep(100);
  const lat = arrivals.map((a) => a.at - a.eventAt);
  const unique = new Set(arrivals.map((a) => a.id)).size;
  const figures = {
    students: STUDENTS,
    concurrency: CONCURRENCY,
    database: process.env.DATABASE_URL ? 'postgresql' : 'embedded (PGlite)',
    checkInNoWebhook: { p50: pct(base1.times, 50), p99: pct(base1.times, 99), wallMs: base1.wallMs },
    checkInWithWebhook: { p50: pct(withHook.times, 50), p99: pct(withHook.times, 99), wallMs: withHook.wallMs },
    delivery: { received: arrivals.length, unique, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100) },
    webhook: hook.id,
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `check-in p50/p99 ms: no endpoint ${figures.checkInNoWebhook.p50}/${figures.checkInNoWebhook.p99}, ` +
      `one endpoint ${figures.checkInWithWebhook.p50}/${figures.checkInWithWebhook.p99}; ` +
      `event → receiver p50/p99 ms: ${figures.delivery.p50}/${figures.delivery.p99} (${unique}/${STUDENTS} events)`,
  );
} finally {
  stop();
}
