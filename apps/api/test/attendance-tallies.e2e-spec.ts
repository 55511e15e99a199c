import { CHECK_IN_THRESHOLDS } from '../src/modules/reports/report-math.js';
import { BUCKET_OF } from '../src/modules/reports/report-sql.js';
import {
  type CourseAggregateRow,
  courseAggregatesFromTallies,
  courseAggregatesFromView,
  matrixRows,
  matrixRowsFromView,
  overviewRates,
} from '../src/modules/reports/rates.queries.js';
import { pgPool } from '../src/database/pg-pool.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The tallies of closed sessions (migration AttendanceTallies, issue 15) always equal what attendance_expected says
 * for closed sessions: the closed rows, the per-(course, student) and the per-session counts are compared with the
 * view (EXCEPT ALL both ways) after each kind of write the triggers must catch — sessions closed, reopened,
 * cancelled, moved in time or to another course, deleted; records inserted, changed, moved, deleted; enrollment
 * periods begun, ended, backdated, moved, deleted; students and courses deleted (cascades) — on edge-case data like
 * test/attendance-expected.e2e-spec.ts (periods that begin or end at, before, during or after a session).
 */

/** The view's rows for closed sessions, as attendance_closed_rows holds them. */
const VIEW_ROWS = `
  SELECT x.session_id, x.course_id, x.student_id, x.starts_at, x.outcome, ${BUCKET_OF}::smallint AS bucket
    FROM attendance_expected x JOIN class_sessions s ON s.id = x.session_id
   WHERE s.state = 'closed'`;

const COUNTS = `count(*)::int AS held, count(*) FILTER (WHERE v.outcome = 'present')::int AS present,
  count(*) FILTER (WHERE v.outcome = 'late')::int AS late, count(*) FILTER (WHERE v.outcome = 'absent')::int AS absent,
  count(*) FILTER (WHERE v.outcome = 'excused')::int AS excused, count(*) FILTER (WHERE v.outcome = 'pending')::int AS pending`;

/** One count per check-in bucket of the reports (CHECK_IN_THRESHOLDS.length + 1). */
const BUCKETS = `ARRAY[${CHECK_IN_THRESHOLDS.map((_, i) => i)
  .concat(CHECK_IN_THRESHOLDS.length)
  .map((i) => `count(*) FILTER (WHERE v.bucket = ${i})`)
  .join(', ')}]::int[]`;

const PAIRS = [
  [
    'closed rows',
    `SELECT session_id, course_id, student_id, starts_at, outcome, bucket FROM attendance_closed_rows`,
    VIEW_ROWS,
  ],
  [
    'student tallies',
    `SELECT course_id, student_id, held, present, late, absent, excused, pending FROM attendance_student_tallies`,
    `SELECT v.course_id, v.student_id, ${COUNTS} FROM (${VIEW_ROWS}) v GROUP BY v.course_id, v.student_id`,
  ],
  [
    'session tallies',
    `SELECT session_id, course_id, held, present, late, absent, excused, pending, buckets FROM attendance_session_tallies`,
    `SELECT v.session_id, v.course_id, ${COUNTS},
            ${BUCKETS} AS buckets
       FROM (${VIEW_ROWS}) v GROUP BY v.session_id, v.course_id`,
  ],
] as const;

describe('attendance tallies: kept by the triggers, equal to attendance_expected', () => {
  let t: TestApp;
  const q = (sql: string, params?: unknown[]) => t.dataSource.query(sql, params);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Rows that differ, per table: { 'closed rows': 0, … } when the tallies are true. */
  async function differences(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, tally, view] of PAIRS) {
      const [{ n }] = await q(
        `SELECT count(*)::int AS n FROM ((${tally} EXCEPT ALL ${view}) UNION ALL (${view} EXCEPT ALL ${tally})) d`,
      );
      out[name] = n;
    }
    return out;
  }
  const NONE = { 'closed rows': 0, 'student tallies': 0, 'session tallies': 0 };

  /**
   * What the reports read, from the tallies and from the view alone, for every course: the course report's rows (per
   * session every column; per student and in total the rates; no total row reads as zeros), the matrix of
   * attendance.csv, the admin overview. Equal when the tallies are true.
   */
  async function reports(from: 'tallies' | 'view') {
    const rate = (r: CourseAggregateRow) => ({
      held: r.held,
      present: r.present,
      late: r.late,
      absent: r.absent,
      excused: r.excused,
      pending: r.pending,
      rate: r.rate,
    });
    const out: Record<string, unknown> = {};
    const courseIds: string[] = (await q(`SELECT id FROM courses ORDER BY code`)).map((r: { id: string }) => r.id);
    for (const courseId of courseIds) {
      const rows =
        from === 'tallies'
          ? await courseAggregatesFromTallies(t.dataSource.manager, courseId, 4)
          : await courseAggregatesFromView(t.dataSource.manager, {
              courseId,
              timezone: 'UTC',
              range: {},
              studentId: null,
              recent: 4,
            });
      const total = rows.find((r) => !r.session_id && !r.student_id);
      const sessionIds: string[] = (
        await q(`SELECT id FROM class_sessions WHERE course_id = $1 AND state <> 'cancelled' ORDER BY starts_at, id`, [
          courseId,
        ])
      ).map((r: { id: string }) => r.id);
      const matrix = await (from === 'tallies' ? matrixRows : matrixRowsFromView)(
        t.dataSource.manager,
        courseId,
        sessionIds,
      );
      out[courseId] = {
        sessions: rows
          .filter((r) => r.session_id)
          .map((r) => ({ ...r, recent_rate: null }))
          .sort((a, b) => a.session_id!.localeCompare(b.session_id!)),
        students: rows
          .filter((r) => r.student_id)
          .map((r) => ({ student: r.student_id, ...rate(r), recent: r.recent_rate }))
          .sort((a, b) => a.student!.localeCompare(b.student!)),
        total: total ? rate(total) : { held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0, rate: null },
        matrix: matrix.sort((a, b) => a.student_id.localeCompare(b.student_id)),
      };
    }
    out.overview = await overviewRates(t.dataSource.manager, {}, 0.75, 1000, from);
    return out;
  }

  /** The tables and what the reports read both equal the view. */
  async function expectTrue() {
    expect(await differences()).toEqual(NONE);
    expect(await reports('tallies')).toEqual(await reports('view'));
  }

  it('stays equal to the view through every kind of write', async () => {
    let seed = 15;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % n;
    };
    const courses: string[] = [];
    for (const code of ['TALA', 'TALB', 'TALC'])
      courses.push(
        (await q(`INSERT INTO courses (code, name, timezone) VALUES ($1, $1, 'UTC') RETURNING id`, [code]))[0].id,
      );
    const students: string[] = (
      await q(
        `INSERT INTO users (email, full_name, role, password_hash)
         SELECT 'tal' || g || '@example.com', 'Tal ' || g, 'student', 'x' FROM generate_series(1, 36) g RETURNING id`,
      )
    ).map((r: { id: string }) => r.id);
    const roster = (course: string) => {
      const i = courses.indexOf(course);
      return students.slice(i * 8, i * 8 + 20);
    };

    // Sessions first (some already closed, before anyone is enrolled), on a grid of hours from 60 days ago.
    const base = Date.now() - 60 * 86_400_000;
    const hour = (h: number) => new Date(base + h * 3_600_000);
    const states = ['closed', 'closed', 'closed', 'scheduled', 'open', 'cancelled'];
    const sessions: { id: string; course: string; start: number; end: number }[] = [];
    for (const course of courses)
      for (let i = 0; i < 16; i++) {
        const start = i * 40 + rnd(3);
        const end = start + 1 + rnd(3);
        const future = i >= 14;
        const state = future ? 'scheduled' : states[rnd(states.length)];
        const startsAt = future ? new Date(Date.now() + (i - 13) * 86_400_000) : hour(start);
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
    await expectTrue();

    // Enrollment periods, never overlapping per (course, student); one statement per period.
    for (const course of courses)
      for (const student of roster(course)) {
        let at = rnd(4) === 0 ? -100 : rnd(400);
        const periods = 1 + rnd(3);
        for (let p = 0; p < periods && at < 700; p++) {
          const s = sessions.filter((x) => x.course === course)[rnd(14)];
          const from = Math.max(at, [at, s.start, s.start + 0.5, s.end][rnd(4)]);
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
    await expectTrue();

    // Records: one multi-row statement per session (whether or not the student was expected).
    for (const s of sessions) {
      const rows = roster(s.course).filter(() => rnd(4) !== 0);
      await q(
        `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
         SELECT $1, st, (ARRAY['present', 'late', 'pending', 'absent', 'excused'])[1 + (i % 5)::int], 'code',
                $2::timestamptz + (i % 50 - 10) * interval '1 minute'
           FROM unnest($3::uuid[]) WITH ORDINALITY u(st, i)`,
        [s.id, hour(s.start), rows],
      );
    }
    const [{ n: closedRows }] = await q(`SELECT count(*)::int AS n FROM attendance_closed_rows`);
    expect(closedRows).toBeGreaterThan(150);
    await expectTrue();

    // Sessions: closed (one statement, several courses), reopened, cancelled, moved, moved to another course.
    const byState = async (state: string) =>
      (await q(`SELECT id FROM class_sessions WHERE state = $1 ORDER BY id`, [state])).map((r: { id: string }) => r.id);
    const open = [...(await byState('open')), ...(await byState('scheduled'))];
    await q(`UPDATE class_sessions SET state = 'closed', closed_at = now() WHERE id = ANY ($1)`, [open.slice(0, 4)]);
    await expectTrue();
    const closed = await byState('closed');
    await q(`UPDATE class_sessions SET state = 'open', closed_at = NULL WHERE id = ANY ($1)`, [closed.slice(0, 2)]);
    await q(`UPDATE class_sessions SET state = 'cancelled' WHERE id = $1`, [closed[2]]);
    await q(`UPDATE class_sessions SET starts_at = starts_at - interval '90 minutes' WHERE id = ANY ($1)`, [
      closed.slice(3, 6),
    ]);
    await q(`UPDATE class_sessions SET ends_at = ends_at + interval '30 minutes', title = 'x' WHERE id = $1`, [
      closed[6],
    ]);
    await q(`UPDATE class_sessions SET course_id = $2 WHERE id = $1`, [closed[7], courses[2]]);
    await q(`UPDATE class_sessions SET title = 'renamed' WHERE id = ANY ($1)`, [closed]);
    await expectTrue();

    // Records: status and check-in time changed, moved to another student, deleted, inserted in closed sessions.
    await q(
      `UPDATE attendance_records r SET status = CASE r.status WHEN 'present' THEN 'absent' WHEN 'absent' THEN 'excused'
                                                         WHEN 'pending' THEN 'late' ELSE 'present' END
        WHERE r.session_id = ANY ($1) AND abs(hashtext(r.student_id::text)) % 3 = 0`,
      [closed.slice(5, 20)],
    );
    await q(
      `UPDATE attendance_records r SET checked_in_at = checked_in_at + interval '7 minutes'
        WHERE r.session_id = ANY ($1) AND abs(hashtext(r.student_id::text)) % 3 = 1`,
      [closed.slice(5, 20)],
    );
    await q(`UPDATE attendance_records SET note = 'only a note' WHERE session_id = ANY ($1)`, [closed]);
    const [moved] = await q(
      `SELECT r.session_id, r.student_id FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id
        WHERE s.state = 'closed' AND NOT EXISTS (SELECT 1 FROM attendance_records o WHERE o.session_id = r.session_id
                                                   AND o.student_id = $1)
        LIMIT 1`,
      [students[35]],
    );
    await q(`UPDATE attendance_records SET student_id = $3 WHERE session_id = $1 AND student_id = $2`, [
      moved.session_id,
      moved.student_id,
      students[35],
    ]);
    await q(
      `DELETE FROM attendance_records r WHERE r.session_id = ANY ($1) AND abs(hashtext(r.student_id::text)) % 4 = 0`,
      [closed.slice(8, 30)],
    );
    await q(
      `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
       SELECT s.id, u, 'present', 'teacher', s.starts_at + interval '3 minutes'
         FROM class_sessions s, unnest($2::uuid[]) u
        WHERE s.id = ANY ($1)
       ON CONFLICT (session_id, student_id) DO UPDATE SET status = 'late'`,
      [closed.slice(10, 25), students.slice(0, 30)],
    );
    await expectTrue();

    // Enrollments: open periods ended in the past (before some sessions), backdated, moved, deleted, new ones.
    await q(
      `UPDATE enrollments SET ended_at = greatest(enrolled_at, $1::timestamptz)
        WHERE ended_at IS NULL AND abs(hashtext(student_id::text)) % 2 = 0`,
      [hour(300)],
    );
    await q(
      `UPDATE enrollments e SET enrolled_at = e.enrolled_at - interval '100 hours'
        WHERE e.id IN (SELECT DISTINCT ON (course_id, student_id) id FROM enrollments ORDER BY course_id, student_id, enrolled_at)
          AND abs(hashtext(e.student_id::text)) % 3 = 0`,
    );
    await q(`DELETE FROM enrollments WHERE id IN (SELECT id FROM enrollments ORDER BY id LIMIT 6)`);
    await q(
      `UPDATE enrollments SET student_id = $2
        WHERE id = (SELECT id FROM enrollments WHERE course_id = $1 ORDER BY id LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM enrollments WHERE course_id = $1 AND student_id = $2)`,
      [courses[0], students[34]],
    );
    await q(
      `INSERT INTO enrollments (course_id, student_id, enrolled_at)
       SELECT $1, u, $3 FROM unnest($2::uuid[]) u
        WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = $1 AND e.student_id = u)`,
      [courses[1], students.slice(28, 36), hour(250.5)],
    );
    await expectTrue();

    // Deletes that cascade: a closed session, a student, a course.
    await q(`DELETE FROM class_sessions WHERE id = $1`, [(await byState('closed'))[0]]);
    await q(`DELETE FROM users WHERE id = $1`, [students[9]]);
    await expectTrue();
    await q(`DELETE FROM courses WHERE id = $1`, [courses[2]]);
    await expectTrue();
    const [{ n: left }] = await q(`SELECT count(*)::int AS n FROM attendance_student_tallies WHERE course_id = $1`, [
      courses[2],
    ]);
    expect(left).toBe(0);

    // The comparison sees drift: a write the triggers do not see (one disabled) is reported.
    await q(`ALTER TABLE attendance_records DISABLE TRIGGER attendance_records_tallies_update`);
    try {
      // One counted record of a closed session (ids are random: not just the first closed session, which may have
      // no record at all and would change nothing).
      const [{ n: changed }] = await q(
        `WITH changed AS (
           UPDATE attendance_records r SET status = CASE WHEN r.status = 'absent' THEN 'present' ELSE 'absent' END
             FROM (SELECT c.session_id, c.student_id FROM attendance_closed_rows c
                     JOIN attendance_records a ON a.session_id = c.session_id AND a.student_id = c.student_id
                    ORDER BY c.session_id, c.student_id LIMIT 1) one
            WHERE r.session_id = one.session_id AND r.student_id = one.student_id
           RETURNING r.id)
         SELECT count(*)::int AS n FROM changed`,
      );
      expect(changed).toBe(1);
      const drift = await differences();
      expect(drift['closed rows']).toBeGreaterThan(0);
      expect(drift['student tallies']).toBeGreaterThan(0);
      expect(drift['session tallies']).toBeGreaterThan(0);
    } finally {
      await q(`ALTER TABLE attendance_records ENABLE TRIGGER attendance_records_tallies_update`);
    }
    // and a refresh of every closed session (what the migration runs on an existing database) repairs it
    await q(
      `SELECT attendance_tallies_refresh('session', (SELECT array_agg(id) FROM class_sessions WHERE state = 'closed'), NULL)`,
    );
    await expectTrue();
  });

  // Two transactions that each change what the other's refresh reads: without the locks of attendance_tallies_track,
  // each would refresh from a snapshot without the other's uncommitted write, and the tallies would miss one of them.
  // (On the embedded database a transaction has the session to itself, so there they simply run one after the other.)
  it('stays equal to the view when writers race (a close against a check-in, an enrollment against a record)', async () => {
    const pool = pgPool(t.dataSource);
    const [{ id: course }] = await q(
      `INSERT INTO courses (code, name, timezone) VALUES ('TALR', 'R', 'UTC') RETURNING id`,
    );
    const students: string[] = (
      await q(
        `INSERT INTO users (email, full_name, role, password_hash)
         SELECT 'talr' || g || '@example.com', 'Talr ' || g, 'student', 'x' FROM generate_series(1, 4) g RETURNING id`,
      )
    ).map((r: { id: string }) => r.id);
    await q(
      `INSERT INTO enrollments (course_id, student_id, enrolled_at) SELECT $1, unnest($2::uuid[]), now() - interval '10 days'`,
      [course, students.slice(0, 3)],
    );
    const session = async (state: string) =>
      (
        await q(
          `INSERT INTO class_sessions (course_id, starts_at, ends_at, state)
           VALUES ($1, now() - interval '3 hours', now() - interval '2 hours', $2) RETURNING id`,
          [course, state],
        )
      )[0].id as string;
    const race = async (first: string[], second: string[]) => {
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query('BEGIN');
        for (const sql of first) await a.query(sql);
        const other = (async () => {
          await b.query('BEGIN');
          for (const sql of second) await b.query(sql);
          await b.query('COMMIT');
        })();
        await new Promise((r) => setTimeout(r, 300)); // the second waits on the first's lock (PostgreSQL) or session
        await a.query('COMMIT');
        await other;
      } finally {
        a.release();
        b.release();
      }
    };
    // A session closed while a record of it is written, both ways round.
    const s1 = await session('open');
    await race(
      [`UPDATE class_sessions SET state = 'closed' WHERE id = '${s1}'`],
      [
        `INSERT INTO attendance_records (session_id, student_id, status, source) VALUES ('${s1}', '${students[0]}', 'present', 'teacher')`,
      ],
    );
    const s2 = await session('open');
    await race(
      [
        `INSERT INTO attendance_records (session_id, student_id, status, source) VALUES ('${s2}', '${students[0]}', 'late', 'teacher')`,
      ],
      [`UPDATE class_sessions SET state = 'closed' WHERE id = '${s2}'`],
    );
    // A backdated enrollment while a record of a closed session is written for that student, both ways round.
    const s3 = await session('closed');
    await race(
      [
        `INSERT INTO enrollments (course_id, student_id, enrolled_at) VALUES ('${course}', '${students[3]}', now() - interval '5 days')`,
      ],
      [
        `INSERT INTO attendance_records (session_id, student_id, status, source) VALUES ('${s3}', '${students[3]}', 'excused', 'teacher')`,
      ],
    );
    const s4 = await session('closed');
    await race(
      [
        `INSERT INTO attendance_records (session_id, student_id, status, source) VALUES ('${s4}', '${students[3]}', 'pending', 'teacher')`,
      ],
      [
        `UPDATE enrollments SET enrolled_at = now() - interval '6 days' WHERE course_id = '${course}' AND student_id = '${students[3]}'`,
      ],
    );
    // A session closed while a student is enrolled (backdated) into its course.
    const s5 = await session('open');
    await race(
      [`UPDATE class_sessions SET state = 'closed' WHERE id = '${s5}'`],
      [
        `UPDATE enrollments SET enrolled_at = now() - interval '20 days' WHERE course_id = '${course}' AND student_id = '${students[1]}'`,
      ],
    );
    const [{ n }] = await q(`SELECT count(*)::int AS n FROM attendance_closed_rows WHERE course_id = $1`, [course]);
    expect(n).toBeGreaterThanOrEqual(15);
    await expectTrue();
  });
});
