// The check-in benchmark (`pnpm bench` → scripts/bench/run.sh → this file). Drives the production build of the API
// (node apps/api/dist/main.js) on PostgreSQL + Redis, and once on the embedded default (PGlite); prints a table and
// writes JSON under bench-results/. Everything runs on this machine over loopback, bounded in count and time.
//
// Env: TEST_DATABASE_URL, TEST_REDIS_URL (run.sh starts them), BENCH_RATE (steady req/s; default 0.8 × the measured
// check-in capacity), BENCH_STUDENTS (2000), BENCH_SOCKETS (10000), BENCH_LOGINS (500), BENCH_STEADY_SECONDS (30),
// BENCH_SKIP (comma list of: h,p,capacity,steady,burst,sockets,logins,pglite).
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  copyFileSync,
  readdirSync,
  renameSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '../..');
const API = join(ROOT, 'apps/api');
const apiRequire = createRequire(join(API, 'package.json'));
const rootRequire = createRequire(join(ROOT, 'package.json'));
const pg = apiRequire('pg');
const { io } = apiRequire('socket.io-client');
const argon2 = apiRequire('@node-rs/argon2');
const autocannon = rootRequire('autocannon');

const env = process.env;
const STUDENTS = int(env.BENCH_STUDENTS, 2000);
const SOCKETS = int(env.BENCH_SOCKETS, 10000);
const LOGINS = int(env.BENCH_LOGINS, 500);
const STEADY_SECONDS = int(env.BENCH_STEADY_SECONDS, 30);
const SKIP = new Set((env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const PASSWORD = 'bench-password-0123';
const JWT_SECRET = randomBytes(32).toString('hex');
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const work = mkdtempSync(join(tmpdir(), 'sysponto-bench-'));
const results = { startedAt: new Date().toISOString(), machine: machine(), figures: {}, notes: [] };
const children = new Set();

function int(v, d) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : d;
}
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const pct = (arr, p) => {
  if (!arr.length) return null;
  const s = Float64Array.from(arr).sort();
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
};
const studentId = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** A distinct valid 6-character code for session number k (fixed mode). */
const codeFor = (k) => {
  let s = '';
  for (let i = 0, x = k + 31 ** 4; i < 6; i++, x = Math.floor(x / 31)) s = CODE_ALPHABET[x % 31] + s;
  return s;
};

function machine() {
  const version = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      return null;
    }
  };
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    postgres: version('/usr/lib/postgresql/15/bin/postgres', ['--version']),
    redis: version('redis-server', ['--version']),
    openFileLimit: Number(version('bash', ['-c', 'ulimit -n'])),
    // Other work on the box skews every figure: the load average at the start is part of the record.
    loadAverage: loadavg().map((v) => +v.toFixed(2)),
  };
}

/**
 * An access token as the login route issues it (HS256, iss sysponto, aud sysponto-api, token version 1, its own sign-in
 * id): 2,000 students without 2,000 argon2 logins. Its lifetime must not exceed ACCESS_TOKEN_TTL_SECONDS (set below).
 */
function mint(sub, role) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, ver: 1, sid: randomUUID(), iat: now, exp: now + 7200, iss: 'sysponto', aud: 'sysponto-api' })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

// ---- HTTP client: keep-alive, one request = one latency sample ---------------------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function request(base, method, path, { token, body, timeoutMs = 15000, via = agent } = {}) {
  return new Promise((resolveReq) => {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${base}${path}`, {
      method,
      agent: via,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
      timeout: timeoutMs,
    });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          /* not JSON */
        }
        resolveReq({ status: res.statusCode, body: json, ms: performance.now() - started, started });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) =>
      resolveReq({ status: 0, error: err.code ?? err.message, ms: performance.now() - started, started }),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

// ---- processes ------------------------------------------------------------------------------------------------------
async function startApi(name, extraEnv) {
  const port = await freePort();
  const logFile = join(work, `${name}.log`);
  const out = createWriteStream(logFile);
  // BENCH_API_ENTRY: another build's dist/main.js (e.g. main's, to compare two builds under the same load).
  const entry = env.BENCH_API_ENTRY ? resolve(env.BENCH_API_ENTRY) : join(API, 'dist/main.js');
  const child = spawn(process.execPath, [entry], {
    cwd: resolve(entry, '../..'),
    env: {
      PATH: env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      LOG_LEVEL: 'warn',
      // The check-in batching knobs (CHECKIN_BATCH_MAX_SIZE=1: off) pass through, to compare settings.
      ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('CHECKIN_BATCH_'))),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const r = await request(base, 'GET', '/api/health', { timeoutMs: 2000 });
    if (r.status === 200) break;
    if (Date.now() > until) throw new Error(`${name} did not become healthy`);
    await sleep(250);
  }
  return {
    base,
    child,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([done, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      children.delete(child);
    },
  };
}

function freePort() {
  return new Promise((r, j) => {
    const s = http.createServer();
    s.once('error', j);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });
}

function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rssKiB: kb('VmRSS') };
}

// ---- data -------------------------------------------------------------------------------------------------------
/** Users, one course with every student enrolled, and `sessionCount` open sessions, each with a live fixed code. */
async function seed(db, sessionCount) {
  const hash = await argon2.hash(PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await db.query(
    `INSERT INTO users (id, email, full_name, role, password_hash)
     SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'student' || g || '@bench.test', 'Student ' || g, 'student', $1
       FROM generate_series(1, $2::int) g`,
    [hash, STUDENTS],
  );
  const [teacher] = (
    await db.query(
      `INSERT INTO users (email, full_name, role, password_hash) VALUES ('teacher@bench.test', 'Teacher', 'teacher', $1) RETURNING id`,
      [hash],
    )
  ).rows;
  const [course] = (
    await db.query(
      `INSERT INTO courses (code, name, timezone) VALUES ('BENCH1', 'Benchmark', 'Europe/Lisbon') RETURNING id`,
    )
  ).rows;
  await db.query(`INSERT INTO course_teachers (course_id, teacher_id) VALUES ($1, $2)`, [course.id, teacher.id]);
  await db.query(`INSERT INTO enrollments (course_id, student_id) SELECT $1, id FROM users WHERE role = 'student'`, [
    course.id,
  ]);
  const sessions = (
    await db.query(
      `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state)
       SELECT $1, 'Bench ' || g, now() - interval '5 minutes', now() + interval '3 hours', 'open' FROM generate_series(1, $2::int) g RETURNING id`,
      [course.id, sessionCount],
    )
  ).rows.map((r) => r.id);
  const codes = sessions.map((_, k) => codeFor(k));
  await db.query(
    `INSERT INTO attendance_codes (session_id, mode, code, expires_at, created_by)
     SELECT s, 'fixed', c, now() + interval '3 hours', $3 FROM unnest($1::uuid[], $2::varchar[]) AS t(s, c)`,
    [sessions, codes, teacher.id],
  );
  await db.query(`CREATE TABLE bench_codes (k int PRIMARY KEY, code varchar(12) NOT NULL)`);
  await db.query(`INSERT INTO bench_codes SELECT k - 1, c FROM unnest($1::varchar[]) WITH ORDINALITY AS t(c, k)`, [
    codes,
  ]);
  await db.query('ANALYZE');
  return { teacherId: teacher.id, courseId: course.id, sessions, codes };
}

/** Hands out (student, session) pairs that were never used, so every check-in inserts a record. */
class Pairs {
  constructor(sessions, codes, firstSession, lastSession) {
    Object.assign(this, { sessions, codes, k: firstSession, last: lastSession, n: 1 });
  }
  next() {
    if (this.n > STUDENTS) {
      this.n = 1;
      this.k++;
    }
    if (this.k > this.last) return null;
    return { n: this.n++, sessionId: this.sessions[this.k], code: this.codes[this.k] };
  }
}

// ---- teacher socket: submit → teacher latency -------------------------------------------------------------------
async function teacherSocket(base, token, sessionIds) {
  const socket = io(base, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: false,
  });
  await new Promise((r, j) => {
    socket.once('connect', r);
    socket.once('connect_error', j);
  });
  for (const id of sessionIds) {
    const ack = await socket.timeout(5000).emitWithAck('session.watch', { sessionId: id });
    if (!ack.ok) throw new Error(`watch refused: ${ack.code}`);
  }
  const sent = new Map();
  const samples = [];
  const seen = new Set();
  socket.on('attendance.submitted', (p) => {
    const key = `${p.sessionId}:${p.studentId}`;
    if (seen.has(key)) return;
    seen.add(key);
    const t0 = sent.get(key);
    if (t0 !== undefined) samples.push(performance.now() - t0);
  });
  return {
    socket,
    sent,
    samples,
    seen,
    reset() {
      sent.clear();
      samples.length = 0;
    },
  };
}

/**
 * Open-loop load: `rate` check-ins per second for `seconds` (a tick every 10 ms), whatever the server's latency, so
 * a slow server shows as latency and errors instead of a quietly lower rate.
 */
async function openLoop(base, pairs, tokens, rate, seconds, watcher, { bySecondFrom } = {}) {
  const lat = [];
  const timeline = bySecondFrom === undefined ? null : new Map();
  const errors = {};
  let ok = 0;
  const inflight = [];
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let sentCount = 0;
  while (sentCount < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sentCount < due) {
      const p = pairs.next();
      if (!p) throw new Error('ran out of (student, session) pairs: raise the session count');
      sentCount++;
      watcher?.sent.set(`${p.sessionId}:${studentId(p.n)}`, performance.now());
      inflight.push(
        request(base, 'POST', '/api/check-ins', { token: tokens[p.n], body: { code: p.code } }).then((r) => {
          if (timeline) {
            const s = Math.floor((r.started - bySecondFrom()) / 1000);
            if (!timeline.has(s)) timeline.set(s, []);
            timeline.get(s).push(r.ms);
          }
          if (r.status === 201 || r.status === 200) {
            ok++;
            lat.push(r.ms);
          } else errors[r.status || r.error] = (errors[r.status || r.error] ?? 0) + 1;
        }),
      );
    }
    await sleep(5);
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  return {
    sent: total,
    ok,
    errors,
    sendSeconds: +sendSeconds.toFixed(2),
    seconds: +elapsed.toFixed(2),
    throughput: +(ok / elapsed).toFixed(0),
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: pct(lat, 100),
    // Latency by the second the request was sent in (relative to bySecondFrom()): when the slow ones happened.
    ...(timeline && {
      bySecond: [...timeline]
        .sort((a, b) => a[0] - b[0])
        .map(([second, ms]) => ({ second, sent: ms.length, p50: pct(ms, 50), max: pct(ms, 100) })),
    }),
  };
}

/** Closed loop: `concurrency` students checking in back to back for `seconds`; the server's check-in capacity. */
async function closedLoop(base, pairs, tokens, concurrency, seconds) {
  const lat = [];
  const errors = {};
  let ok = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const p = pairs.next();
        if (!p) return;
        const r = await request(base, 'POST', '/api/check-ins', { token: tokens[p.n], body: { code: p.code } });
        if (r.status === 201 || r.status === 200) {
          ok++;
          lat.push(r.ms);
        } else errors[r.status || r.error] = (errors[r.status || r.error] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return {
    ok,
    errors,
    seconds: +elapsed.toFixed(2),
    throughput: +(ok / elapsed).toFixed(0),
    p50: pct(lat, 50),
    p99: pct(lat, 99),
  };
}

async function autocannonRun(url, token, seconds = 10, connections = 100) {
  const r = await autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  return {
    reqPerSec: Math.round(r.requests.average),
    requests: r['2xx'],
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

// ---- P: pgbench on the app's own check-in statement ---------------------------------------------------------------
function checkInSql() {
  const file = join(API, 'dist/modules/attendance/check-in.queries.js');
  const m = existsSync(file) && readFileSync(file, 'utf8').match(/const CHECK_IN_SQL = `([\s\S]*?)`;/);
  if (!m) throw new Error('CHECK_IN_SQL not found in the built check-in queries');
  return m[1];
}

function pgbench(dbUrl, firstSession, sessionCount, mode, seconds = 15) {
  const sid = `('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid`;
  // The app's statement with its parameters as pgbench expressions: $1 student, $2 code, $3 source, $4 clock,
  // $5/$6 device key halves and $7–$9 location (none: as a client without a device id on a course with the check off).
  const params = {
    1: `(${sid})::uuid`,
    2: '(SELECT code FROM bench_codes WHERE k = :k)::varchar',
    3: `'code'::varchar`,
    4: 'extract(epoch from now())::float8',
    5: 'NULL::bytea',
    6: 'NULL::bytea',
    7: 'NULL::float8',
    8: 'NULL::float8',
    9: 'NULL::float8',
  };
  const sql = checkInSql().replace(/\$(\d+)/g, (m, n) => params[n] ?? m);
  if (/\$\d/.test(sql)) throw new Error('pgbench: unreplaced parameter in the check-in SQL');
  const script = join(work, `checkin-${mode}.sql`);
  // Random fresh pairs over many sessions: nearly every transaction inserts (a few repeat: idempotent no-ops).
  writeFileSync(
    script,
    `\\set p random(0, ${STUDENTS * sessionCount - 1})\n\\set n 1 + :p % ${STUDENTS}\n\\set k ${firstSession} + :p / ${STUDENTS}\n${sql.replace(/\s+/g, ' ').trim()};\n`,
  );
  const u = new URL(dbUrl);
  const out = execFileSync(
    '/usr/lib/postgresql/15/bin/pgbench',
    [
      '-n',
      '-c',
      '8',
      '-j',
      '2',
      '-T',
      String(seconds),
      '-M',
      mode,
      '-f',
      script,
      '-h',
      u.hostname,
      '-p',
      u.port,
      '-U',
      u.username,
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = Number(out.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1]);
  const latency = Number(out.match(/latency average = ([\d.]+) ms/)?.[1]);
  return { tps: Math.round(tps), latencyAvgMs: latency, clients: 8, mode, seconds };
}

// ---- sockets ------------------------------------------------------------------------------------------------------
async function idleSockets(base, pid, tokens, count, { beforeReconnect } = {}) {
  const before = memoryOf(pid);
  const sockets = [];
  let emfile = 0;
  let failed = 0;
  const connectOne = (token) =>
    new Promise((r) => {
      const s = io(base, {
        path: '/socket.io',
        transports: ['websocket'],
        auth: { token },
        forceNew: true,
        reconnection: false,
        timeout: 30000,
      });
      const onConnect = () => {
        s.off('connect_error', onError);
        r(s);
      };
      const onError = (err) => {
        s.off('connect', onConnect);
        if (String(err?.message ?? err).includes('EMFILE') || String(err?.description ?? '').includes('EMFILE'))
          emfile++;
        else failed++;
        s.close();
        r(null);
      };
      s.once('connect', onConnect);
      s.once('connect_error', onError);
    });
  const t0 = performance.now();
  const BATCH = 250;
  for (let i = 0; i < count; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => connectOne(tokens[1 + ((i + j) % STUDENTS)])),
    );
    for (const s of batch) if (s) sockets.push(s);
    if (emfile) break;
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  await sleep(3000);
  const after = memoryOf(pid);
  const perSocketKiB = (after.rssKiB - before.rssKiB) / Math.max(1, sockets.length);

  // Everyone drops and comes back at once (a Wi-Fi blip in a lecture hall, a proxy reload).
  for (const s of sockets) s.disconnect();
  await sleep(2000);
  await beforeReconnect?.();
  const serverCpu0 = cpuSecondsOf(pid);
  const clientCpu0 = process.cpuUsage();
  const t1 = performance.now();
  let back = 0;
  let reconnectFailed = 0;
  const reconnectErrors = {};
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise((r) => {
          const onConnect = () => {
            s.off('connect_error', onError);
            back++;
            r();
          };
          const onError = (err) => {
            s.off('connect', onConnect);
            reconnectFailed++;
            const why = String(err?.message ?? err).slice(0, 60);
            reconnectErrors[why] = (reconnectErrors[why] ?? 0) + 1;
            r();
          };
          s.once('connect', onConnect);
          s.once('connect_error', onError);
          // Everyone at once: give the last in the queue time to be served rather than time out.
          s.io.timeout(180000);
          s.connect();
        }),
    ),
  );
  const reconnectSeconds = (performance.now() - t1) / 1000;
  // Who had the CPU meanwhile: the server, and this process (10,000 socket.io clients) on the same 2 cores.
  const serverCpu = cpuSecondsOf(pid) - serverCpu0;
  const clientUsage = process.cpuUsage(clientCpu0);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
  for (const s of sockets) s.close();
  return {
    requested: count,
    connected: sockets.length,
    failed,
    emfile,
    connectSeconds: +connectSeconds.toFixed(2),
    rssBeforeMiB: +(before.rssKiB / 1024).toFixed(0),
    rssAfterMiB: +(after.rssKiB / 1024).toFixed(0),
    rssPerSocketKiB: +perSocketKiB.toFixed(1),
    reconnected: back,
    reconnectFailed,
    reconnectErrors,
    reconnectSeconds: +reconnectSeconds.toFixed(2),
    reconnectServerCpuSeconds: +serverCpu.toFixed(2),
    reconnectClientCpuSeconds: +clientCpu.toFixed(2),
  };
}

// ---- login storm ---------------------------------------------------------------------------------------------------
async function loginStorm(base, pairs, tokens, count, checkInRate) {
  let t0 = performance.now() + 2000;
  const background = openLoop(base, pairs, tokens, checkInRate, 12, null, { bySecondFrom: () => t0 });
  await sleep(2000);
  // The logins come from other devices than the check-ins: their own connections. Through the shared agent they held
  // 500 of its 512 sockets while they waited for argon2, and check-ins then queued in this client for a free socket
  // (measured as check-in latency; it was part of the p99 of 2.3 s in the run of 2026-12-02 17:17).
  const devices = new http.Agent({ keepAlive: true, maxSockets: count });
  t0 = performance.now();
  const res = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      request(base, 'POST', '/api/auth/login', {
        body: { email: `student${i + 1}@bench.test`, password: PASSWORD },
        timeoutMs: 60000,
        via: devices,
      }),
    ),
  );
  devices.destroy();
  const drain = (performance.now() - t0) / 1000;
  const checkIns = await background;
  const ok = res.filter((r) => r.status === 200).length;
  return {
    logins: count,
    ok,
    failed: count - ok,
    drainSeconds: +drain.toFixed(2),
    loginsPerSecond: +(ok / drain).toFixed(0),
    loginP99: pct(
      res.map((r) => r.ms),
      99,
    ),
    checkInRate,
    checkInP50: checkIns.p50,
    checkInP99: checkIns.p99,
    checkInMax: checkIns.max,
    checkInErrors: checkIns.errors,
    checkInBySecond: checkIns.bySecond,
  };
}

// ---- the run ----------------------------------------------------------------------------------------------------
/** The lean baseline (scripts/bench/lean-server.mjs) on the same database, Redis, SQL function and pool size. */
async function startLean(extraEnv) {
  const logFile = join(work, 'lean.log');
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(import.meta.dirname, 'lean-server.mjs')], {
    env: { PATH: env.PATH, PORT: '0', JWT_SECRET, ACCESS_TOKEN_TTL_SECONDS: '7200', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stderr.pipe(out);
  const port = await new Promise((r, j) => {
    let buf = '';
    const onData = (c) => {
      buf += c;
      const m = buf.match(/listening (\d+)/);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.pipe(out);
        r(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      j(new Error(`lean server exited ${code}: ${readFileSync(logFile, 'utf8').slice(-2000)}`)),
    );
  });
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([done, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      children.delete(child);
    },
  };
}

/** CPU seconds (user + system) a process has used so far: from /proc, in clock ticks of 10 ms. */
function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * A/B/A in one run: baseline, API, baseline. `ratio` is the API's figure over the mean of the two baseline runs.
 * `cpuRatio` compares the server CPU time per successful request (baseline ÷ API), which a loaded machine distorts
 * far less than throughput: on an idle box, where the server's CPU is the bound, the two ratios agree.
 */
async function abaRun(label, lean, api, fn, value, count) {
  const measured = async (server, which) => {
    log(`${label}: ${which}`);
    const cpu0 = cpuSecondsOf(server.pid);
    const r = await fn(server);
    const cpu = cpuSecondsOf(server.pid) - cpu0;
    return { ...r, serverCpuMsPerRequest: +((1000 * cpu) / Math.max(1, count(r))).toFixed(3) };
  };
  const a1 = await measured(lean, 'baseline');
  const b = await measured(api, 'API');
  const a2 = await measured(lean, 'baseline again');
  const base = (value(a1) + value(a2)) / 2;
  const baseCpu = (a1.serverCpuMsPerRequest + a2.serverCpuMsPerRequest) / 2;
  return {
    api: b,
    baseline: [a1, a2],
    ratio: base ? +(value(b) / base).toFixed(2) : null,
    cpuRatio: b.serverCpuMsPerRequest ? +(baseCpu / b.serverCpuMsPerRequest).toFixed(2) : null,
  };
}

async function runPostgres() {
  const serverUrl = env.TEST_DATABASE_URL;
  const redisUrl = env.TEST_REDIS_URL;
  if (!serverUrl || !redisUrl)
    throw new Error('TEST_DATABASE_URL and TEST_REDIS_URL are required (scripts/bench/run.sh sets them)');
  const name = `sysponto_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  const poolSize = env.DATABASE_POOL_SIZE ?? '20';

  log('starting the production API (PostgreSQL + Redis) and the lean baseline');
  const api = await startApi('api-postgres', {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    DATABASE_POOL_SIZE: poolSize,
    DATA_DIR: join(work, 'data'),
    ...(env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${env.BENCH_CPU_PROF}` } : {}),
  });
  const lean = await startLean({ DATABASE_URL: dbUrl, REDIS_URL: redisUrl, DATABASE_POOL_SIZE: poolSize });
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  // Sessions 0..HTTP_SESSIONS-1 for HTTP check-ins (handed out in order, so every check-in inserts), the rest for pgbench.
  const HTTP_SESSIONS = int(env.BENCH_HTTP_SESSIONS, 150);
  const { sessions, codes, teacherId } = await seed(db, HTTP_SESSIONS + 100);
  const tokens = [null, ...Array.from({ length: STUDENTS }, (_, i) => mint(studentId(i + 1), 'student'))];
  const teacherToken = mint(teacherId, 'teacher');
  let nextSession = 0;
  /** Fresh (student, session) pairs for about `count` check-ins: whole sessions nobody has checked in to yet. */
  const fresh = (count) => {
    const n = Math.max(1, Math.ceil(count / STUDENTS));
    const first = nextSession;
    nextSession += n;
    if (nextSession > HTTP_SESSIONS) throw new Error('ran out of sessions: raise BENCH_HTTP_SESSIONS');
    return new Pairs(sessions, codes, first, first + n - 1);
  };
  const F = results.figures;
  const servers = { api, lean };

  if (!SKIP.has('h')) {
    log('H: warm-up of both servers');
    await autocannonRun(`${lean.base}/api/me`, tokens[1], 3);
    await autocannonRun(`${api.base}/api/me`, tokens[1], 3);
    F.H = await abaRun(
      'H: GET /api/me, autocannon 100 connections, 10 s',
      lean,
      api,
      (s) => autocannonRun(`${s.base}/api/me`, tokens[1]),
      (r) => r.reqPerSec,
      (r) => r.requests,
    );
  }
  if (!SKIP.has('p')) {
    log('P: pgbench on the check-in statement, 8 clients');
    F.P = pgbench(dbUrl, HTTP_SESSIONS, 100, 'extended');
    F.P_prepared = pgbench(dbUrl, HTTP_SESSIONS, 100, 'prepared', 10);
  }

  // A teacher watches every HTTP session on each server: the event is part of each check-in's cost.
  const watchers = {
    api: await teacherSocket(api.base, teacherToken, sessions.slice(0, HTTP_SESSIONS)),
    lean: await teacherSocket(lean.base, teacherToken, sessions.slice(0, HTTP_SESSIONS)),
  };
  let capacity = null;
  if (!SKIP.has('capacity')) {
    const CAP_SECONDS = 10;
    log('capacity: warm-up of both servers');
    await closedLoop(lean.base, fresh(1000), tokens, 32, 2);
    await closedLoop(api.base, fresh(1000), tokens, 32, 2);
    F.capacity = await abaRun(
      'capacity: closed loop, 64 students checking in back to back, 10 s',
      lean,
      api,
      (s) => closedLoop(s.base, fresh(2500 * CAP_SECONDS), tokens, 64, CAP_SECONDS),
      (r) => r.throughput,
      (r) => r.ok,
    );
    capacity = F.capacity.api;
  }
  if (!SKIP.has('steady')) {
    const rate = int(env.BENCH_RATE, capacity ? Math.max(50, Math.round((capacity.throughput * 0.8) / 50) * 50) : 500);
    log(`steady: ${rate} check-ins/s for ${STEADY_SECONDS} s`);
    const watcher = watchers.api;
    watcher.reset();
    const steady = await openLoop(api.base, fresh(rate * STEADY_SECONDS), tokens, rate, STEADY_SECONDS, watcher);
    await sleep(1000);
    F.steady = {
      rate,
      ...steady,
      socketP50: pct(watcher.samples, 50),
      socketP99: pct(watcher.samples, 99),
      pushed: watcher.samples.length,
    };
  }
  if (!SKIP.has('burst')) {
    const burstOn = async (which) => {
      log(`burst (${which}): ${STUDENTS} check-ins in 2 s`);
      const watcher = watchers[which];
      watcher.reset();
      const pairs = fresh(STUDENTS);
      const sessionId = sessions[pairs.k];
      const burst = await openLoop(servers[which].base, pairs, tokens, STUDENTS / 2, 2, watcher);
      await sleep(1500);
      const count = async (table) =>
        (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE session_id = $1`, [sessionId])).rows[0].n;
      return {
        ...burst,
        socketP50: pct(watcher.samples, 50),
        socketP99: pct(watcher.samples, 99),
        pushed: watcher.samples.length,
        stored: await count('attendance_records'),
        events: await count('attendance_events'),
      };
    };
    F.burst = await burstOn('api');
    F.burstBaseline = await burstOn('lean');
  }
  watchers.api.socket.close();
  watchers.lean.socket.close();
  await lean.stop();
  if (!SKIP.has('logins')) {
    log(`login storm: ${LOGINS} logins at once, check-ins at 50/s meanwhile`);
    F.logins = await loginStorm(api.base, fresh(50 * 12), tokens, LOGINS, 50);
  }
  if (!SKIP.has('sockets')) {
    log(`sockets: ${SOCKETS} idle connections, then all reconnect at once`);
    F.sockets = await idleSockets(api.base, api.pid, tokens, SOCKETS);
  }
  await db.end();
  await api.stop();
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
}

/**
 * `pnpm bench profile`: CPU profiles of the API (PostgreSQL + Redis) during GET /api/me (autocannon, 10 s) and
 * during the check-in capacity run (closed loop, 10 s), each summarised (self time by package, inclusive time, top
 * functions) and saved under bench-results/profile-<time>/.
 */
async function runProfile() {
  const serverUrl = env.TEST_DATABASE_URL;
  const name = `sysponto_prof_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  const out = join(ROOT, 'bench-results', `profile-${results.startedAt.replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });
  const api = await startApi('api-profile', {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    REDIS_URL: env.TEST_REDIS_URL,
    DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE ?? '20',
    DATA_DIR: join(work, 'data'),
    CPU_PROFILE_DIR: out,
    NODE_OPTIONS: `--import=${join(import.meta.dirname, 'cpu-profile.mjs')}`,
  });
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const { sessions, codes } = await seed(db, 24);
  await db.end();
  const tokens = [null, ...Array.from({ length: STUDENTS }, (_, i) => mint(studentId(i + 1), 'student'))];
  const { summarize } = await import('./profile-summary.mjs');
  /** `fn` gets `start`: a step with a set-up of its own calls it when the part to profile begins. */
  const profiled = async (label, fn, { lateStart = false } = {}) => {
    const start = async () => {
      process.kill(api.pid, 'SIGWINCH');
      await sleep(200);
    };
    if (!lateStart) await start();
    const r = await fn(start);
    const before = new Set(readdirSync(out));
    process.kill(api.pid, 'SIGWINCH');
    let file;
    for (let i = 0; i < 100 && !file; i++) {
      await sleep(100);
      file = readdirSync(out).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
    }
    await sleep(300);
    const named = join(out, `${label}.cpuprofile`);
    renameSync(join(out, file), named);
    const text = summarize(JSON.parse(readFileSync(named, 'utf8')), 20);
    writeFileSync(named.replace(/\.cpuprofile$/, '.txt'), text + '\n');
    console.log(`\n## ${label}: ${JSON.stringify(r)}\n${text}`);
  };
  await autocannonRun(`${api.base}/api/me`, tokens[1], 3); // warm-up
  await profiled('me', () => autocannonRun(`${api.base}/api/me`, tokens[1]));
  await closedLoop(api.base, new Pairs(sessions, codes, 0, 0), tokens, 32, 3); // warm-up
  await profiled('check-in', () => closedLoop(api.base, new Pairs(sessions, codes, 1, 19), tokens, 64, 10));
  await profiled('login-storm', () => loginStorm(api.base, new Pairs(sessions, codes, 20, 23), tokens, LOGINS, 50));
  const sockets = int(env.BENCH_PROFILE_SOCKETS, 5000);
  await profiled('reconnect', (start) => idleSockets(api.base, api.pid, tokens, sockets, { beforeReconnect: start }), {
    lateStart: true,
  });
  await api.stop();
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
  console.log(`\nprofiles and summaries: ${out}`);
}

/** The embedded default: one process, PGlite over its in-process socket; data made through the API. */
async function runPglite() {
  log('PGlite: starting the API on the embedded default (demo seed on, for an admin)');
  const api = await startApi('api-pglite', {
    NODE_ENV: 'development',
    DATA_DIR: join(work, 'pglite'),
    SEED_DEMO: 'true',
  });
  // What `pnpm start` holds on a first boot: a fresh data directory (initdb, migrations) and the demo school.
  const rssBootMiB = +(memoryOf(api.pid).rssKiB / 1024).toFixed(0);
  try {
    const login = await request(api.base, 'POST', '/api/auth/login', {
      body: { email: 'admin@example.com', password: 'sysponto-demo' },
    });
    if (login.status !== 200) throw new Error(`demo admin login: ${login.status}`);
    const adminToken = login.body.accessToken;
    const call = async (method, path, body) => {
      const r = await request(api.base, method, path, { token: adminToken, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const STUD = 300;
    const ids = [];
    // One at a time: under load the embedded adapter once answered a concurrent create with users/not-found.
    for (let i = 0; i < STUD; i++) {
      const body = { email: `pg${i}@bench.test`, fullName: `PGlite ${i}`, role: 'student', password: PASSWORD };
      const u = await call('POST', '/api/users', body).catch(() =>
        call('GET', `/api/users?search=pg${i}@bench.test`).then((r) => r.items[0]),
      );
      ids.push(u.id ?? u.user?.id);
    }
    const teacher = await call('POST', '/api/users', {
      email: 'pgteacher@bench.test',
      fullName: 'PGlite teacher',
      role: 'teacher',
      password: PASSWORD,
    });
    const teacherId = teacher.id ?? teacher.user?.id;
    const course = await call('POST', '/api/courses', {
      code: 'PGBENCH',
      name: 'PGlite bench',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacherId],
    });
    await call('POST', `/api/courses/${course.id}/enrollments`, { studentIds: ids });
    const teacherToken = mint(teacherId, 'teacher');
    const sessions = [];
    const codes = [];
    for (let k = 0; k < 40; k++) {
      const s = await call('POST', `/api/courses/${course.id}/sessions`, {
        startsAt: new Date(Date.now() - 5 * 60e3).toISOString(),
        endsAt: new Date(Date.now() + 3 * 3600e3).toISOString(),
        title: `PG ${k}`,
      });
      const r = await request(api.base, 'POST', `/api/sessions/${s.id}/codes`, {
        token: teacherToken,
        body: { mode: 'fixed', validityMinutes: 180 },
      });
      if (r.status !== 201) throw new Error(`code: ${r.status} ${JSON.stringify(r.body)}`);
      sessions.push(s.id);
      codes.push(r.body.code);
    }
    const tokens = [null, ...ids.map((id) => mint(id, 'student'))];
    const pairs = {
      k: 0,
      n: 1,
      next() {
        if (this.n > STUD) {
          this.n = 1;
          this.k++;
        }
        return this.k < 40 ? { n: this.n++, sessionId: sessions[this.k], code: codes[this.k] } : null;
      },
    };
    const rssDataMiB = +(memoryOf(api.pid).rssKiB / 1024).toFixed(0);
    // The class: each of the 300 students checks in once to the first session, 50 at a time.
    const once = {
      n: 1,
      next() {
        return this.n <= STUD ? { n: this.n++, sessionId: sessions[0], code: codes[0] } : null;
      },
    };
    const burst = await closedLoop(api.base, once, tokens, 50, 60);
    const rssBurstMiB = +(memoryOf(api.pid).rssKiB / 1024).toFixed(0);
    pairs.k = 1;
    const H = await autocannonRun(`${api.base}/api/me`, tokens[1]);
    await closedLoop(api.base, pairs, tokens, 16, 2);
    const capacity = await closedLoop(api.base, pairs, tokens, 64, 10);
    results.figures.pglite = {
      H,
      capacity,
      burst,
      students: STUD,
      rssBootMiB,
      rssDataMiB,
      rssBurstMiB,
      rssMiB: +(memoryOf(api.pid).rssKiB / 1024).toFixed(0),
    };
  } finally {
    await api.stop();
  }
}

function table() {
  const F = results.figures;
  const rows = [];
  const add = (name, value, detail = '', ratio = '') => rows.push([name, value, ratio, detail]);
  const ms = (v) => (v === null || v === undefined ? '–' : `${v} ms`);
  const errs = (e) => (e && Object.keys(e).length ? JSON.stringify(e) : '0');
  if (F.H) {
    const { api, baseline, ratio, cpuRatio } = F.H;
    add(
      'H  GET /api/me (autocannon, 100 conns)',
      `${api.reqPerSec} req/s`,
      `p50 ${ms(api.p50)}, p99 ${ms(api.p99)}, non-2xx ${api.non2xx}, errors ${api.errors}; server CPU ${api.serverCpuMsPerRequest} ms/req (baseline ${baseline.map((b) => b.serverCpuMsPerRequest).join(', ')})`,
      `${ratio} × (${baseline.map((b) => b.reqPerSec).join(', ')} req/s); CPU/req ${cpuRatio} ×`,
    );
  }
  if (F.P)
    add(
      'P  pgbench check-in SQL (8 clients, extended)',
      `${F.P.tps} tps`,
      `avg ${ms(F.P.latencyAvgMs)}; prepared: ${F.P_prepared?.tps ?? '–'} tps`,
    );
  if (F.capacity) {
    const { api, baseline, ratio, cpuRatio } = F.capacity;
    add(
      'Check-in capacity (closed loop, 64 students)',
      `${api.throughput} /s`,
      `p50 ${ms(api.p50)}, p99 ${ms(api.p99)}, errors ${errs(api.errors)}; server CPU ${api.serverCpuMsPerRequest} ms/req (baseline ${baseline.map((b) => b.serverCpuMsPerRequest).join(', ')})`,
      `${ratio} × (${baseline.map((b) => b.throughput).join(', ')} /s); CPU/req ${cpuRatio} ×`,
    );
  }
  if (F.steady)
    add(
      `Steady ${F.steady.rate}/s for ${STEADY_SECONDS} s (${STUDENTS} students)`,
      `${F.steady.throughput} /s`,
      `HTTP p50 ${ms(F.steady.p50)} p99 ${ms(F.steady.p99)}; errors ${errs(F.steady.errors)}; →teacher p50 ${ms(F.steady.socketP50)} p99 ${ms(F.steady.socketP99)} (${F.steady.pushed} pushed)`,
    );
  const burstRow = (name, b, base) =>
    add(
      `${name} ${b.sent} in 2 s`,
      `HTTP p99 ${ms(b.p99)}`,
      `drained in ${b.seconds} s; HTTP p50 ${ms(b.p50)}; errors ${errs(b.errors)}; →teacher p50 ${ms(b.socketP50)} p99 ${ms(b.socketP99)}; stored ${b.stored}, events ${b.events}, pushed ${b.pushed}`,
      base && base.p99 ? `p99 ${(b.p99 / base.p99).toFixed(2)} × baseline's` : '',
    );
  if (F.burst) burstRow('Burst', F.burst, F.burstBaseline);
  if (F.burstBaseline) burstRow('Burst (baseline)', F.burstBaseline);
  if (F.sockets)
    add(
      `Idle sockets (${F.sockets.requested})`,
      `${F.sockets.connected} in ${F.sockets.connectSeconds} s`,
      `RSS ${F.sockets.rssPerSocketKiB} KiB/socket (${F.sockets.rssBeforeMiB}→${F.sockets.rssAfterMiB} MiB); all reconnect: ${F.sockets.reconnected} in ${F.sockets.reconnectSeconds} s; failed ${F.sockets.failed + F.sockets.reconnectFailed}, EMFILE ${F.sockets.emfile}`,
    );
  if (F.logins)
    add(
      `Login storm (${F.logins.logins})`,
      `${F.logins.drainSeconds} s`,
      `${F.logins.loginsPerSecond} logins/s, login p99 ${ms(F.logins.loginP99)}; check-ins at ${F.logins.checkInRate}/s meanwhile: p50 ${ms(F.logins.checkInP50)} p99 ${ms(F.logins.checkInP99)}, errors ${errs(F.logins.checkInErrors)}`,
    );
  const best = F.capacity?.api.throughput;
  if (best && F.P) add('Check-ins ÷ P', `${(best / F.P.tps).toFixed(2)}`, `capacity ${best}/s ÷ ${F.P.tps} tps`);
  if (best && F.H)
    add('Check-ins ÷ H', `${(best / F.H.api.reqPerSec).toFixed(2)}`, `capacity ${best}/s ÷ ${F.H.api.reqPerSec} req/s`);
  if (F.pglite)
    add(
      'Embedded default (PGlite)',
      `${F.pglite.capacity.throughput} check-ins/s`,
      `p50 ${ms(F.pglite.capacity.p50)} p99 ${ms(F.pglite.capacity.p99)}, errors ${errs(F.pglite.capacity.errors)}; H ${F.pglite.H.reqPerSec} req/s; RSS ${F.pglite.rssMiB} MiB`,
    );
  if (F.pglite?.burst)
    add(
      `Embedded: ${F.pglite.students} students once, 50 at a time`,
      `p99 ${ms(F.pglite.burst.p99)}`,
      `p50 ${ms(F.pglite.burst.p50)}, ${F.pglite.burst.ok} checked in, errors ${errs(F.pglite.burst.errors)}; RSS first boot with the demo school ${F.pglite.rssBootMiB} MiB, with the bench's data ${F.pglite.rssDataMiB} MiB, after the class ${F.pglite.rssBurstMiB} MiB`,
    );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  return [
    '| figure | value | ÷ baseline (its runs) | detail |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2].padEnd(w2)} | ${r[3]} |`),
  ].join('\n');
}

async function main() {
  const t0 = Date.now();
  if (process.argv.includes('--profile')) {
    console.log(
      `load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    try {
      await runProfile();
    } finally {
      const f = join(work, 'api-profile.log');
      if (process.exitCode && existsSync(f)) console.error(readFileSync(f, 'utf8').slice(-3000));
      rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  try {
    await runPostgres();
  } catch (err) {
    results.notes.push(`postgres run failed: ${err.message}`);
    log('postgres run failed:', err);
  }
  if (!SKIP.has('pglite')) {
    try {
      await runPglite();
    } catch (err) {
      results.notes.push(`pglite run failed: ${err.message}`);
      log('pglite run failed:', err);
    }
  }
  results.seconds = Math.round((Date.now() - t0) / 1000);
  results.loadAverageAtEnd = loadavg().map((v) => +v.toFixed(2));
  results.table = table();
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const file = join(ROOT, 'bench-results', `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  const m = results.machine;
  console.log(
    `\nSysPonto benchmark — ${m.cpus} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres}, ${m.redis?.split(' ').slice(0, 3).join(' ')}; load average ${m.loadAverage.join(' ')} → ${results.loadAverageAtEnd.join(' ')}\n`,
  );
  console.log(results.table);
  for (const n of results.notes) console.log(`note: ${n}`);
  console.log(`\nJSON: ${file} (${results.seconds} s)`);
  // Keep the servers' logs beside the JSON (errors under load are explained there).
  const logs = file.replace(/\.json$/, '-logs');
  mkdirSync(logs, { recursive: true });
  for (const f of ['api-postgres.log', 'lean.log', 'api-pglite.log'])
    if (existsSync(join(work, f))) copyFileSync(join(work, f), join(logs, f));
  rmSync(work, { recursive: true, force: true });
  process.exitCode = results.notes.length ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
// Thousands of sockets: a refused connection (EMFILE) must not take the benchmark down.
process.on('uncaughtException', (err) => log('uncaught:', err.stack ?? err.code ?? err.message));
await main();
