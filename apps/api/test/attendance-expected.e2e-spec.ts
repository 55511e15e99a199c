import { ATTENDANCE_EXPECTED_PER_SESSION } from '../src/database/migrations/1796161550605-EnrollmentHistory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The set-wise `attendance_expected` (migration 1796219828350-AttendanceExpectedSetWise, issue 15) gives exactly the
 * rows of its first definition (migration 1796161550605-EnrollmentHistory, the reference query) on data
 * made to hit the edges: periods that start or end at, before, during or after a session (empty ones too), students
 * who left and came back, check-ins by students who joined during the class, every session state and record status.
 * Periods of one student in one course never overlap (the app starts a new one at or after the previous end).
 */
const REFERENCE = ATTENDANCE_EXPECTED_PER_SESSION;

describe('attendance_expected: the set-wise view equals its first definition', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has the same rows as the reference on edge-case data (checked by both EXCEPT ALL)', async () => {
    const q = (sql: string, params?: unknown[]) => t.dataSource.query(sql, params);
    // A small pseudo-random generator: the same data on every run, so a failure is reproducible.
    let seed = 15;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % n;
    };
    const [{ id: courseA }] = await q(
      `INSERT INTO courses (code, name, timezone) VALUES ('EXPA', 'A', 'UTC') RETURNING id`,
    );
    const [{ id: courseB }] = await q(
      `INSERT INTO courses (code, name, timezone) VALUES ('EXPB', 'B', 'UTC') RETURNING id`,
    );
    const students: string[] = (
      await q(
        `INSERT INTO users (email, full_name, role, password_hash)
         SELECT 'exp' || g || '@example.com', 'Exp ' || g, 'student', 'x' FROM generate_series(1, 40) g RETURNING id`,
      )
    ).map((r: { id: string }) => r.id);

    // Sessions on a grid of hours (base = 60 days ago); each lasts 1–3 hours. States and times vary: closed, ended
    // and never closed (held), open now, scheduled later, cancelled.
    const base = Date.now() - 60 * 86_400_000;
    const hour = (h: number) => new Date(base + h * 3_600_000);
    const states = ['closed', 'closed', 'scheduled', 'open', 'cancelled'];
    const sessions: { id: string; course: string; start: number; end: number }[] = [];
    for (const course of [courseA, courseB])
      for (let i = 0; i < 30; i++) {
        const start = i * 40 + rnd(3);
        const end = start + 1 + rnd(3);
        const state = i >= 28 ? 'scheduled' : states[rnd(states.length)];
        const startsAt = i >= 28 ? new Date(Date.now() + (i - 27) * 86_400_000) : hour(start);
        const endsAt = new Date(startsAt.getTime() + (end - start) * 3_600_000);
        const [{ id }] = await q(
          `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state, closed_at)
           VALUES ($1, $2, $3, $4, $5::varchar, CASE WHEN $5::varchar = 'closed' THEN $4::timestamptz END) RETURNING id`,
          [course, `S${i}`, startsAt, endsAt, state],
        );
        sessions.push({
          id,
          course,
          start: (startsAt.getTime() - base) / 3_600_000,
          end: (endsAt.getTime() - base) / 3_600_000,
        });
      }

    // Enrollment periods, consecutive and never overlapping: each starts at or after the previous end, on a session
    // boundary, inside a session or between; some are empty (ended when they began); the last may stay open.
    for (const course of [courseA, courseB])
      for (const student of students.slice(course === courseA ? 0 : 10, course === courseA ? 30 : 40)) {
        let at = rnd(4) === 0 ? -100 : rnd(600);
        const periods = 1 + rnd(3);
        for (let p = 0; p < periods && at < 1300; p++) {
          const session = sessions.filter((s) => s.course === course)[rnd(28)];
          const pick = [at, session.start, session.start + 0.5, session.end][rnd(4)];
          const from = Math.max(at, pick);
          const length = [0, 0.5, 1, 40, 200, 600][rnd(6)];
          const open = p === periods - 1 && rnd(2) === 0;
          await q(`INSERT INTO enrollments (course_id, student_id, enrolled_at, ended_at) VALUES ($1, $2, $3, $4)`, [
            course,
            student,
            hour(from),
            open ? null : hour(from + length),
          ]);
          at = from + length + [0, 0, 0.25, 30][rnd(4)];
        }
      }

    // Records for most (session, student) pairs of the course's students, whether or not they were expected.
    const statuses = ['present', 'late', 'pending', 'absent', 'excused'];
    for (const s of sessions)
      for (const student of students.slice(s.course === courseA ? 0 : 10, s.course === courseA ? 30 : 40))
        if (rnd(4) !== 0)
          await q(
            `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
             VALUES ($1, $2, $3, 'code', $4)`,
            [s.id, student, statuses[rnd(statuses.length)], hour(s.start + rnd(60) / 60)],
          );

    const [{ n: rows }] = await q(`SELECT count(*)::int AS n FROM attendance_expected`);
    const [{ n: midSession }] = await q(
      `SELECT count(*)::int AS n FROM attendance_expected x
        WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = x.course_id AND e.student_id = x.student_id
                             AND e.enrolled_at <= x.starts_at AND (e.ended_at IS NULL OR e.ended_at > x.starts_at))`,
    );
    const [{ n: differences }] = await q(
      `SELECT count(*)::int AS n FROM (
         (SELECT * FROM attendance_expected EXCEPT ALL SELECT * FROM (${REFERENCE}) r)
         UNION ALL
         (SELECT * FROM (${REFERENCE}) r EXCEPT ALL SELECT * FROM attendance_expected)) d`,
    );
    // The data reaches the rule's branches: many expected rows, some only because the student checked in after
    // joining during the class.
    expect(rows).toBeGreaterThan(300);
    expect(midSession).toBeGreaterThan(0);
    expect(differences).toBe(0);
  });
});
