// Figures, not a test: a course at scale (default 500 students × 60 sessions, ~28k records) built in a few bulk
// statements, then the report routes timed through the real API. Prints the fixture time and each route's median.
//   node scripts/bench/reports.mjs                (after `pnpm --filter api build`; `pnpm bench reports`)
//   REPORTS_STUDENTS=500 REPORTS_SESSIONS=60 BENCH_DATABASE_URL=postgres://… node scripts/bench/reports.mjs
// Target (docs/reports.md): the course report and the overview well under a second on a quiet machine.
// Moved out of the test suite (it was test/reports-perf.e2e-spec.ts).
import { performance } from 'node:perf_hooks';
import { call, insertCourse, insertUsers, logIn, median, startApp, where } from './lib/in-process-app.mjs';

const STUDENTS = Number(process.env.REPORTS_STUDENTS) || 500;
const SESSIONS = Number(process.env.REPORTS_SESSIONS) || 60;

const app = await startApp();
try {
  const started = performance.now();
  const [teacher] = await insertUsers(app, 'teacher', 1, 'perf-teacher');
  const [admin] = await insertUsers(app, 'admin', 1, 'perf-admin');
  const students = await insertUsers(app, 'student', STUDENTS, 'perf');
  const courseId = await insertCourse(app, {
    code: 'PERF500',
    teacherIds: [teacher.id],
    studentIds: students.map((s) => s.id),
  });
  // Two sessions a week from ~200 days ago; the last few lie in the future (not held).
  await app.query(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state)
     SELECT $1, 'Class ' || g, t0, t0 + interval '90 minutes', CASE WHEN t0 < now() - interval '2 hours' THEN 'closed' ELSE 'scheduled' END
       FROM generate_series(1, $2::int) g, LATERAL (SELECT now() - interval '200 days' + g * interval '3 days 2 hours' AS t0) x`,
    [courseId, SESSIONS],
  );
  // ~78% present, 7% late, 5% absent, 3% excused, 2% pending, 5% no record; check-ins from −5 to +25 minutes.
  await app.query(
    `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
     SELECT s.id, e.student_id, st, 'code', CASE WHEN st IN ('present', 'late', 'pending') THEN s.starts_at + (h % 30 - 5) * interval '1 minute' END
       FROM class_sessions s JOIN enrollments e ON e.course_id = s.course_id,
            LATERAL (SELECT abs(hashtext(s.id::text || e.student_id::text)) AS h) hh,
            LATERAL (SELECT CASE WHEN h % 100 < 78 THEN 'present' WHEN h % 100 < 85 THEN 'late' WHEN h % 100 < 90 THEN 'absent'
                                 WHEN h % 100 < 93 THEN 'excused' WHEN h % 100 < 95 THEN 'pending' END AS st) x
      WHERE s.course_id = $1 AND st IS NOT NULL`,
    [courseId],
  );
  await app.query('ANALYZE');
  const [{ n }] = await app.query(`SELECT count(*)::int AS n FROM attendance_records`);
  console.log(`reports at course scale (${where(app)})`);
  console.log(
    `fixture: ${STUDENTS} students, ${SESSIONS} sessions, ${n} records built in ${Math.round(performance.now() - started)} ms`,
  );

  const [teacherToken, adminToken] = await logIn(app, [teacher.email, admin.email]);
  const get =
    (path, token = teacherToken) =>
    () =>
      call(app, 'GET', path, { token });
  const report = await get(`/api/reports/courses/${courseId}`)();
  if (report.body.students.length !== STUDENTS || report.body.sessions.length !== SESSIONS)
    throw new Error(
      `the report lists ${report.body.students.length} students, ${report.body.sessions.length} sessions`,
    );

  // A trivial authenticated request first: on a shared, loaded machine it shows how much of each time is the machine.
  await median('baseline GET /api/me', get('/api/me'), 3);
  await median('GET /api/reports/courses/:id', get(`/api/reports/courses/${courseId}`), 3);
  await median('GET /api/reports/overview', get('/api/reports/overview', adminToken), 3);
  await median('GET attendance.csv', get(`/api/reports/courses/${courseId}/attendance.csv`), 1);
  await median('GET attendance.xlsx', get(`/api/reports/courses/${courseId}/attendance.xlsx`), 1);
  await median('GET records.csv', get(`/api/reports/courses/${courseId}/records.csv`), 1);
} finally {
  await app.close();
}
