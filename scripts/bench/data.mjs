// Figures, not a test: how the cost of the read routes grows with the data (issue 15). At 1×, 10× and 100× data
// (BENCH_DATA_SCALES), a fresh database is filled in a few bulk statements and each route is timed through the real
// API (median of BENCH_DATA_RUNS after a warm-up). Every SQL statement a route sends is captured and EXPLAINed: a
// sequential scan of a large table (more than BENCH_DATA_LARGE rows) is reported beside the route.
//   pnpm bench:data                                     (starts a private PostgreSQL through scripts/services.sh)
//   BENCH_DATABASE_URL=postgres://… node scripts/bench/data.mjs     (after `pnpm --filter api build`; a superuser URL)
//
// The data at scale s (100× is the issue's largest size):
//   500·s students in 10·s courses of 50 students, 10 sessions each (held), ~90 % of them with a record;
//   the big course: 20·s of those students × 150 held sessions (2,000 × 150 = 300,000 records at 100×), and its live
//   session (open now, half of the students checked in);
//   the history student: enrolled in s of the small courses (10·s records: 1,000 at 100×).
// Target: each route under 300 ms at the largest size on PostgreSQL, with no sequential scan of a large table.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { apiRequire, call, insertUsers, logIn, startApp } from './lib/in-process-app.mjs';

const SCALES = (process.env.BENCH_DATA_SCALES ?? '1,10,100').split(',').map(Number);
const RUNS = Number(process.env.BENCH_DATA_RUNS ?? 5);
const LARGE = Number(process.env.BENCH_DATA_LARGE ?? 10_000);
const TARGET_MS = 300;
// BENCH_DATA_VERBOSE=1: EXPLAIN ANALYZE each statement too and print the slow ones (> 10 ms) with their plan's top.
const VERBOSE = process.env.BENCH_DATA_VERBOSE === '1';
// BENCH_DATA_KEEP=1: build the data of each scale, print its database URL and keep it (no timing; PostgreSQL only),
// for EXPLAIN ANALYZE by hand. Drop it afterwards: DROP DATABASE … WITH (FORCE).
const KEEP = process.env.BENCH_DATA_KEEP === '1';

if (!process.env.BENCH_DATABASE_URL)
  console.warn(
    'bench:data: BENCH_DATABASE_URL is not set: measuring the embedded PGlite (the target is on PostgreSQL)',
  );

// Every statement the app sends while a route runs: pg's Client.prototype.query is the one door (TypeORM and the
// prepared hot paths both use it). Only the text and values are kept.
const pg = apiRequire('pg');
let captured = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  if (captured) {
    const text = typeof config === 'string' ? config : config?.text;
    const vals = Array.isArray(values) ? values : config?.values;
    if (typeof text === 'string') captured.push({ text, values: vals ?? [] });
  }
  return originalQuery.call(this, config, values, callback);
};

async function build(app, s) {
  const t0 = performance.now();
  const [admin] = await insertUsers(app, 'admin', 1, 'data-admin');
  const teachers = await insertUsers(app, 'teacher', 10, 'data-teacher');
  const students = await insertUsers(app, 'student', 500 * s, 'data');
  const ids = students.map((u) => u.id);
  const teacherIds = teachers.map((u) => u.id);
  // Small courses: 50 students each (student i in course i mod n), 10 held sessions over the last ~100 days.
  const smallCount = 10 * s;
  const courses = await app.query(
    `INSERT INTO courses (code, name, timezone)
     SELECT 'D' || lpad(g::text, 5, '0'), 'Course ' || g, 'Europe/Lisbon' FROM generate_series(1, $1::int) g
     RETURNING id`,
    [smallCount],
  );
  const courseIds = courses.map((c) => c.id);
  await app.query(
    `INSERT INTO course_teachers (course_id, teacher_id)
     SELECT c, ($2::uuid[])[1 + (i - 1) % array_length($2::uuid[], 1)] FROM unnest($1::uuid[]) WITH ORDINALITY u(c, i)`,
    [courseIds, teacherIds],
  );
  await app.query(
    `INSERT INTO enrollments (course_id, student_id, enrolled_at)
     SELECT ($1::uuid[])[1 + (i - 1) % $3::int], st, '2000-01-01' FROM unnest($2::uuid[]) WITH ORDINALITY u(st, i)`,
    [courseIds, ids, smallCount],
  );
  await app.query(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state, closed_at)
     SELECT c, 'Class ' || g, t0, t0 + interval '90 minutes', 'closed', t0 + interval '2 hours'
       FROM unnest($1::uuid[]) c, generate_series(1, 10) g,
            LATERAL (SELECT date_trunc('hour', now()) - interval '100 days' + g * interval '9 days 3 hours' AS t0) x`,
    [courseIds],
  );
  // The history student: the last one (not in the big course), also enrolled in s − 1 other small courses.
  const history = students[students.length - 1];
  if (s > 1)
    await app.query(
      `INSERT INTO enrollments (course_id, student_id, enrolled_at)
       SELECT c, $2, '2000-01-01' FROM unnest($1::uuid[]) c
        WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c AND e.student_id = $2) LIMIT $3`,
      [courseIds, history.id, s - 1],
    );
  // The big course: the first 20·s students, 150 held sessions (three a week for a year), and the live one.
  const [{ id: bigId }] = await app.query(
    `INSERT INTO courses (code, name, timezone) VALUES ('BIG', 'The big course', 'Europe/Lisbon') RETURNING id`,
  );
  await app.query(`INSERT INTO course_teachers (course_id, teacher_id) VALUES ($1, $2)`, [bigId, teacherIds[0]]);
  await app.query(
    `INSERT INTO enrollments (course_id, student_id, enrolled_at) SELECT $1, unnest($2::uuid[]), '2000-01-01'`,
    [bigId, ids.slice(0, 20 * s)],
  );
  await app.query(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state, closed_at)
     SELECT $1, 'Lecture ' || g, t0, t0 + interval '90 minutes', 'closed', t0 + interval '2 hours'
       FROM generate_series(1, 150) g,
            LATERAL (SELECT date_trunc('hour', now()) - interval '360 days' + g * interval '2 days 9 hours' AS t0) x`,
    [bigId],
  );
  const [{ id: liveId }] = await app.query(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state)
     VALUES ($1, 'Live', now() - interval '10 minutes', now() + interval '80 minutes', 'open') RETURNING id`,
    [bigId],
  );
  // Records for every closed session: ~78 % present, 7 % late, 5 % absent, 3 % excused, 2 % pending, 5 % none.
  await app.query(
    `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
     SELECT s.id, e.student_id, st, 'code',
            CASE WHEN st IN ('present', 'late', 'pending') THEN s.starts_at + (h % 30 - 5) * interval '1 minute' END
       FROM class_sessions s JOIN enrollments e ON e.course_id = s.course_id,
            LATERAL (SELECT abs(hashtext(s.id::text || e.student_id::text)) AS h) hh,
            LATERAL (SELECT CASE WHEN h % 100 < 78 THEN 'present' WHEN h % 100 < 85 THEN 'late'
                                 WHEN h % 100 < 90 THEN 'absent' WHEN h % 100 < 93 THEN 'excused'
                                 WHEN h % 100 < 95 THEN 'pending' END AS st) x
      WHERE s.state = 'closed' AND st IS NOT NULL`,
  );
  // Half of the big course checked in to the live session so far.
  await app.query(
    `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
     SELECT $1, e.student_id, 'present', 'code', now() - interval '5 minutes'
       FROM enrollments e WHERE e.course_id = $2 AND abs(hashtext(e.student_id::text)) % 2 = 0`,
    [liveId, bigId],
  );
  await app.query('ANALYZE');
  const sizes = Object.fromEntries(
    (
      await app.query(
        `SELECT relname, reltuples::bigint AS n FROM pg_class
          WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`,
      )
    ).map((r) => [r.relname, Number(r.n)]),
  );
  return {
    ms: performance.now() - t0,
    sizes,
    admin,
    teacher: teachers[0],
    history,
    bigId,
    liveId,
    searchTerm: `data${String(250 * s).padStart(3, '0')}`,
  };
}

/** Sequential scans of large tables in the plans of the captured statements (EXPLAIN, not executed). */
async function seqScans(app, statements, sizes) {
  const found = new Set();
  const seen = new Set();
  for (const { text, values } of statements) {
    if (!/^\s*(SELECT|WITH)\b/i.test(text) || seen.has(text)) continue;
    seen.add(text);
    let plan;
    try {
      [{ 'QUERY PLAN': plan }] = await app.query(`EXPLAIN (${VERBOSE ? 'ANALYZE, ' : ''}FORMAT JSON) ${text}`, values);
    } catch {
      continue; // e.g. a statement that only makes sense inside its transaction
    }
    if (typeof plan === 'string') plan = JSON.parse(plan);
    if (VERBOSE && plan[0]['Execution Time'] > 10) {
      const top = (n, depth = 0) =>
        depth > 3
          ? []
          : [
              `${'  '.repeat(depth)}${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}` +
                `${n['Index Name'] ? ` using ${n['Index Name']}` : ''} rows=${n['Actual Rows']} ` +
                `time=${n['Actual Total Time']} ms`,
              ...(n.Plans ?? []).flatMap((c) => top(c, depth + 1)),
            ];
      console.log(`    ${plan[0]['Execution Time'].toFixed(1)} ms: ${text.replace(/\s+/g, ' ').slice(0, 140)}`);
      for (const line of top(plan[0].Plan).slice(0, 25)) console.log(`      ${line}`);
    }
    const walk = (node) => {
      if (node['Node Type'] === 'Seq Scan' && (sizes[node['Relation Name']] ?? 0) > LARGE)
        found.add(`${node['Relation Name']} (${sizes[node['Relation Name']]} rows)`);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan[0].Plan);
  }
  return [...found];
}

async function timeRoute(app, sizes, run) {
  await run(); // warm-up (plans, caches)
  const statements = (captured = []);
  const ms = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await run();
      ms.push(performance.now() - t0);
    }
  } finally {
    captured = null;
  }
  ms.sort((a, b) => a - b);
  return {
    median: ms[Math.floor(ms.length / 2)],
    statements: new Set(statements.map((q) => q.text)).size,
    seq: await seqScans(app, statements, sizes),
  };
}

/**
 * An export's time to first byte (the first body chunk, median) and throughput, through fetch: what bounds a big
 * download is not its total time but when it starts and how fast it then comes (issue 15).
 */
async function timeFirstByte(app, path, token) {
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    const reader = res.body.getReader();
    let bytes = 0;
    let first = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      first ??= performance.now() - t0;
      bytes += value.length;
    }
    return { ttfb: first ?? performance.now() - t0, total: performance.now() - t0, bytes };
  };
  await once();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const total = median(runs.map((r) => r.total));
  const bytes = runs[0].bytes;
  return { ttfb: median(runs.map((r) => r.ttfb)), total, bytes, mbps: bytes / 1e6 / (total / 1000) };
}

const results = [];
const firstBytes = [];
const routeNames = [];
for (const s of SCALES) {
  const app = await startApp();
  try {
    const f = await build(app, s);
    const records = f.sizes.attendance_records;
    console.log(
      `\n${s}×: ${f.sizes.users} users, ${f.sizes.courses} courses, ${f.sizes.enrollments} enrollments, ` +
        `${f.sizes.class_sessions} sessions, ${records} records; built in ${(f.ms / 1000).toFixed(1)} s ` +
        `(${app.databaseUrl ? 'PostgreSQL' : 'PGlite'}, load average ${loadavg()[0].toFixed(1)})`,
    );
    if (KEEP && app.databaseUrl) {
      console.log(`  kept: ${app.databaseUrl} (big course ${f.bigId}, live session ${f.liveId})`);
      await app.app.close();
      continue;
    }
    const [adminToken, teacherToken, studentToken] = await logIn(app, [
      f.admin.email,
      f.teacher.email,
      f.history.email,
    ]);
    const today = new Date();
    const from = new Date(today.getTime() - 200 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(today.getTime() + 100 * 86_400_000).toISOString().slice(0, 10);
    const routes = [
      ['live roster (GET /api/sessions/:id/attendance)', teacherToken, `/api/sessions/${f.liveId}/attendance`],
      ['course report (GET /api/reports/courses/:id)', teacherToken, `/api/reports/courses/${f.bigId}`],
      ['admin overview (GET /api/reports/overview)', adminToken, '/api/reports/overview'],
      ["student's history (GET /api/me/attendance)", studentToken, '/api/me/attendance'],
      ["student's report (GET /api/reports/me)", studentToken, '/api/reports/me'],
      ['calendar, 300 days (GET /api/me/sessions)', studentToken, `/api/me/sessions?from=${from}&to=${to}`],
      ["teacher's calendar (GET /api/me/sessions)", teacherToken, `/api/me/sessions?from=${from}&to=${to}`],
      ['users search (GET /api/users?search=)', adminToken, `/api/users?search=${f.searchTerm}`],
      ['attendance.csv of the big course', teacherToken, `/api/reports/courses/${f.bigId}/attendance.csv`],
      ['records.csv of the big course', teacherToken, `/api/reports/courses/${f.bigId}/records.csv`],
    ];
    for (const [name, token, path] of routes) {
      if (!routeNames.includes(name)) routeNames.push(name);
      const r = await timeRoute(app, f.sizes, () => call(app, 'GET', path, { token }));
      results.push({ s, name, ...r });
      console.log(
        `  ${name}: median ${r.median.toFixed(1)} ms, ${r.statements} statements` +
          (r.seq.length ? `, SEQUENTIAL SCAN of ${r.seq.join(', ')}` : ''),
      );
      if (path.endsWith('.csv')) {
        const b = await timeFirstByte(app, path, token);
        firstBytes.push({ s, name, ...b });
        console.log(
          `    first byte after ${b.ttfb.toFixed(1)} ms, ${(b.bytes / 1e6).toFixed(1)} MB in ${b.total.toFixed(1)} ms ` +
            `(${b.mbps.toFixed(1)} MB/s)`,
        );
      }
    }
  } finally {
    if (!(KEEP && app.databaseUrl)) await app.close();
  }
}
if (KEEP) process.exit(0);

// The table: median per scale, the growth factor per 10× step, the largest size against the target.
const rows = routeNames.map((name) => {
  const row = { route: name };
  let prev = null;
  for (const s of SCALES) {
    const r = results.find((x) => x.s === s && x.name === name);
    row[`${s}× ms`] = r ? +r.median.toFixed(1) : null;
    if (prev && r) row[`growth →${s}×`] = +(r.median / prev.median).toFixed(2);
    prev = r;
  }
  const last = results.find((x) => x.s === SCALES[SCALES.length - 1] && x.name === name);
  row['seq scans (largest)'] = last?.seq.join(', ') || 'none';
  row[`< ${TARGET_MS} ms`] = last ? (last.median < TARGET_MS ? 'yes' : 'NO') : '';
  return row;
});
console.log(
  `\nbench:data, ${RUNS} runs per route, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.table(rows);
console.log('\nexports: time to first byte and throughput (median of the same runs)');
console.table(
  firstBytes.map((b) => ({
    route: b.name,
    scale: `${b.s}×`,
    'first byte ms': +b.ttfb.toFixed(1),
    MB: +(b.bytes / 1e6).toFixed(2),
    'total ms': +b.total.toFixed(1),
    'MB/s': +b.mbps.toFixed(1),
  })),
);
