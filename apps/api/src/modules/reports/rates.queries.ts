import type { EntityManager } from 'typeorm';
import { BUCKET_ARRAY, BUCKET_OF, startsInRange } from './report-sql.js';

/**
 * Every attendance rate of the product, as named queries over the one definition in the database (migration
 * 1796161550605-EnrollmentHistory): the view `attendance_expected` (who counts at which session, the outcome that
 * counts, and the `held` / `attended` / `excused` flags) and the function `attendance_rate(attended, held, excused)`.
 * The course report, the student's report and history, the admin overview, the exports and the warning mails all
 * read their figures from here; none repeats the formula or the enrollment-window rule.
 */

type Db = Pick<EntityManager, 'query'>;

export interface Range {
  from?: string | null;
  to?: string | null;
}

/** Counts over held sessions and the rate: what a rate row carries. */
export interface RateRow {
  held: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  pending: number;
  rate: number | null;
}

/** The columns of a RateRow, aggregated over `attendance_expected` rows aliased `x` (only held rows count). */
export const RATE_COLUMNS = `
  count(*) FILTER (WHERE x.held)::int AS held,
  count(*) FILTER (WHERE x.held AND x.outcome = 'present')::int AS present,
  count(*) FILTER (WHERE x.held AND x.outcome = 'late')::int AS late,
  count(*) FILTER (WHERE x.held AND x.outcome = 'absent')::int AS absent,
  count(*) FILTER (WHERE x.excused)::int AS excused,
  count(*) FILTER (WHERE x.held AND x.outcome = 'pending')::int AS pending,
  attendance_rate(count(*) FILTER (WHERE x.attended), count(*) FILTER (WHERE x.held), count(*) FILTER (WHERE x.excused)) AS rate`;

export function pickRate(r: RateRow): RateRow {
  return {
    held: r.held,
    present: r.present,
    late: r.late,
    absent: r.absent,
    excused: r.excused,
    pending: r.pending,
    rate: r.rate === null ? null : Number(r.rate),
  };
}

/** One GROUPING SETS row of the course report: per session (student_id null), per student, or the total (both null). */
export interface CourseAggregateRow extends RateRow {
  session_id: string | null;
  student_id: string | null;
  /** Students expected at the session (per-session rows). */
  expected: number;
  /** Outcomes over every session of the range, held or not (per-session rows: a session not held yet has no absences). */
  all_present: number;
  all_late: number;
  all_absent: number;
  all_excused: number;
  all_pending: number;
  /** Expected, no record yet, session not held. */
  awaiting: number;
  /** The rate over the student's last `recent` held sessions (per-student rows). */
  recent_rate: number | null;
  buckets: number[];
}

/**
 * The course report's figures in one pass: per session, per student and in total, for the course's sessions that
 * start in the range (dates in the course zone), optionally only one student's rows.
 */
export async function courseAggregates(
  db: Db,
  p: { courseId: string; timezone: string; range: Range; studentId: string | null; recent: number },
): Promise<CourseAggregateRow[]> {
  return wholeRange(p.range) && !p.studentId
    ? courseAggregatesFromTallies(db, p.courseId, p.recent)
    : courseAggregatesFromView(db, p);
}

/** No date range: every session counts, so the tallies of closed sessions give the totals. */
function wholeRange(range: Range): boolean {
  return !range.from && !range.to;
}

/**
 * The view's rows (with the check-in `bucket`) for the sessions of `courseParam` that are not closed: held but never
 * closed (ended), open, or not held yet. Read per request, since whether they are held depends on now(); the closed
 * ones are in the tallies. `live` in the statements below.
 */
const LIVE_ROWS = (courseParam: string) => `
  live AS (
    SELECT x.*, ${BUCKET_OF} AS bucket
      FROM attendance_expected x
     WHERE x.course_id = ${courseParam}
       AND x.session_id IN (SELECT s.id FROM class_sessions s WHERE s.course_id = ${courseParam} AND s.state IN ('scheduled', 'open'))
  )`;

/** RateRow columns summed over rows `p` that carry held/present/late/absent/excused/pending counts. */
const SUMMED_RATE_COLUMNS = `
  sum(p.held)::int AS held, sum(p.present)::int AS present, sum(p.late)::int AS late, sum(p.absent)::int AS absent,
  sum(p.excused)::int AS excused, sum(p.pending)::int AS pending,
  attendance_rate(sum(p.present + p.late + p.pending)::bigint, sum(p.held)::bigint, sum(p.excused)::bigint) AS rate`;

const COUNT_COLUMNS = ['held', 'present', 'late', 'absent', 'excused', 'pending'];

/**
 * RateRow columns of tally rows `t` plus view counts `l` (FULL JOIN: either may be missing), as `j.*` with the rate.
 * A join, not a UNION and GROUP BY: the tallies are tens of thousands of rows, the unclosed part few.
 */
const TALLY_PLUS = (keys: string[], tally: string, live: string) => `
  (SELECT j.*, attendance_rate((j.present + j.late + j.pending)::bigint, j.held::bigint, j.excused::bigint) AS rate
     FROM (SELECT ${keys.map((k) => `coalesce(t.${k}, l.${k}) AS ${k}`).join(', ')},
                  ${COUNT_COLUMNS.map((c) => `(coalesce(t.${c}, 0) + coalesce(l.${c}, 0))::int AS ${c}`).join(', ')}
             FROM (${tally}) t FULL JOIN (${live}) l ON ${keys.map((k) => `l.${k} = t.${k}`).join(' AND ')}) j)`;

/** The counts of RATE_COLUMNS without the rate, over view rows aliased `x`. */
const RATE_COUNTS = `
  count(*) FILTER (WHERE x.held)::int AS held,
  count(*) FILTER (WHERE x.held AND x.outcome = 'present')::int AS present,
  count(*) FILTER (WHERE x.held AND x.outcome = 'late')::int AS late,
  count(*) FILTER (WHERE x.held AND x.outcome = 'absent')::int AS absent,
  count(*) FILTER (WHERE x.excused)::int AS excused,
  count(*) FILTER (WHERE x.held AND x.outcome = 'pending')::int AS pending`;

/**
 * courseAggregates for the whole course (no range, every student) from the tallies of closed sessions
 * (attendance_session_tallies, attendance_student_tallies, attendance_closed_rows for the recent rate) plus the view's
 * rows for the sessions not closed. The same figures as courseAggregatesFromView where the report reads them: per
 * session every column; per student and in total the RateRow columns and the recent rate (expected, all_*, awaiting
 * and buckets of those rows are not read and not computed here).
 */
export async function courseAggregatesFromTallies(
  db: Db,
  courseId: string,
  recent: number,
): Promise<CourseAggregateRow[]> {
  const all = (st: string) => `count(*) FILTER (WHERE x.outcome = '${st}')::int AS all_${st}`;
  const rows: CourseAggregateRow[] = await db.query(
    `WITH ${LIVE_ROWS('$1::uuid')},
     per_session AS (
       SELECT t.session_id, t.held AS expected, t.present AS all_present, t.late AS all_late, t.absent AS all_absent,
              t.excused AS all_excused, t.pending AS all_pending, 0 AS awaiting,
              t.held, t.present, t.late, t.absent, t.excused, t.pending,
              attendance_rate((t.present + t.late + t.pending)::bigint, t.held::bigint, t.excused::bigint) AS rate,
              t.buckets
         FROM attendance_session_tallies t
        WHERE t.course_id = $1
       UNION ALL
       SELECT x.session_id, count(*)::int, ${['present', 'late', 'absent', 'excused', 'pending'].map(all).join(', ')},
              count(*) FILTER (WHERE x.outcome IS NULL)::int, ${RATE_COLUMNS}, ${BUCKET_ARRAY}
         FROM live x
        GROUP BY x.session_id
     ),
     per_student AS (
       SELECT * FROM ${TALLY_PLUS(
         ['student_id'],
         `SELECT t.* FROM attendance_student_tallies t WHERE t.course_id = $1`,
         `SELECT x.student_id, ${RATE_COUNTS} FROM live x GROUP BY x.student_id`,
       )} p
     ),
     -- The last $2 held rows per student: the last $2 closed ones (index order) and every held unclosed one.
     recent_rows AS (
       SELECT st.student_id, c.starts_at, c.session_id, c.outcome
         FROM per_student st
         CROSS JOIN LATERAL (SELECT c.starts_at, c.session_id, c.outcome FROM attendance_closed_rows c
                              WHERE c.course_id = $1 AND c.student_id = st.student_id
                              ORDER BY c.starts_at DESC, c.session_id DESC LIMIT $2) c
       UNION ALL
       SELECT l.student_id, l.starts_at, l.session_id, l.outcome FROM live l WHERE l.held
     ),
     recent AS (
       SELECT r.student_id,
              attendance_rate(count(*) FILTER (WHERE r.outcome IN ('present', 'late', 'pending')), count(*),
                              count(*) FILTER (WHERE r.outcome = 'excused')) AS recent_rate
         FROM (SELECT r.*, row_number() OVER (PARTITION BY r.student_id ORDER BY r.starts_at DESC, r.session_id DESC) AS nth
                 FROM recent_rows r) r
        WHERE r.nth <= $2
        GROUP BY r.student_id
     )
     SELECT k.session_id, NULL::uuid AS student_id, k.expected, k.all_present, k.all_late, k.all_absent, k.all_excused,
            k.all_pending, k.awaiting, k.held, k.present, k.late, k.absent, k.excused, k.pending, k.rate,
            NULL::float8 AS recent_rate, k.buckets
       FROM per_session k
     UNION ALL
     SELECT NULL, st.student_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, st.held, st.present, st.late, st.absent,
            st.excused, st.pending, st.rate, r.recent_rate, NULL
       FROM per_student st LEFT JOIN recent r ON r.student_id = st.student_id
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${SUMMED_RATE_COLUMNS}, NULL, NULL
       FROM per_student p
     HAVING count(*) > 0`,
    [courseId, recent],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate), recent_rate: num(r.recent_rate) }));
}

/** courseAggregates over the view: any range, optionally one student. */
export async function courseAggregatesFromView(
  db: Db,
  p: { courseId: string; timezone: string; range: Range; studentId: string | null; recent: number },
): Promise<CourseAggregateRow[]> {
  const all = (st: string) => `count(*) FILTER (WHERE x.outcome = '${st}')::int AS all_${st}`;
  const rows: CourseAggregateRow[] = await db.query(
    `WITH x AS (
       SELECT x.*,
              ${BUCKET_OF} AS bucket,
              CASE WHEN x.held THEN row_number() OVER (PARTITION BY x.student_id, x.held ORDER BY x.starts_at DESC, x.session_id DESC) END AS nth
         FROM attendance_expected x
        WHERE x.course_id = $1 AND ${startsInRange('$4::text', '$2', '$3')}
          AND ($5::uuid IS NULL OR x.student_id = $5)
     )
     SELECT x.session_id, x.student_id, count(*)::int AS expected,
            ${['present', 'late', 'absent', 'excused', 'pending'].map(all).join(', ')},
            count(*) FILTER (WHERE x.outcome IS NULL)::int AS awaiting,
            ${RATE_COLUMNS},
            attendance_rate(count(*) FILTER (WHERE x.attended AND x.nth <= $6), count(*) FILTER (WHERE x.nth <= $6),
                            count(*) FILTER (WHERE x.excused AND x.nth <= $6)) AS recent_rate,
            ${BUCKET_ARRAY}
       FROM x
      GROUP BY GROUPING SETS ((x.session_id), (x.student_id), ())`,
    [p.courseId, p.range.from ?? null, p.range.to ?? null, p.timezone, p.studentId, p.recent],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate), recent_rate: num(r.recent_rate) }));
}

export interface ReportStudentRow {
  id: string;
  full_name: string;
  email: string;
  student_number: string | null;
  /** Enrolled now (students who left still have their figures while they were enrolled). */
  enrolled: boolean;
}

/**
 * The course's students for a report: enrolled now, or among `expectedIds` (the students expected at a session of
 * the range, as the report's aggregate or the matrix found them: the view is not computed twice); by name.
 */
export async function courseStudents(
  db: Db,
  p: { courseId: string; expectedIds: string[]; studentId: string | null },
): Promise<ReportStudentRow[]> {
  return db.query(
    `SELECT u.id, u.full_name, u.email, u.student_number,
            EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = $1 AND e.student_id = u.id AND e.ended_at IS NULL) AS enrolled
       FROM users u
      WHERE u.id IN (SELECT e.student_id FROM enrollments e WHERE e.course_id = $1 AND e.ended_at IS NULL
                     UNION
                     SELECT unnest($2::uuid[]))
        AND ($3::uuid IS NULL OR u.id = $3)
      ORDER BY u.full_name, u.id`,
    [p.courseId, p.expectedIds, p.studentId],
  );
}

export interface MatrixRow extends RateRow {
  student_id: string;
  /** Session position in the range → the outcome ('' = expected, not held yet, no record). */
  cells: Record<string, string>;
}

/**
 * The roster × sessions matrix: per student, the outcome at each session of the range where they were expected
 * (keyed by the session's position among `sessionIds`), and their rate row.
 */
export async function matrixRows(db: Db, courseId: string, sessionIds: string[]): Promise<MatrixRow[]> {
  // Closed sessions from attendance_closed_rows (the view's rows, kept by the triggers), the others from the view.
  const rows: MatrixRow[] = await db.query(
    `WITH ${LIVE_ROWS('$1::uuid')},
     x AS (
       SELECT c.session_id, c.student_id, c.outcome, true AS held, c.outcome IN ('present', 'late', 'pending') AS attended,
              c.outcome = 'excused' AS excused
         FROM attendance_closed_rows c WHERE c.course_id = $1
       UNION ALL
       SELECT l.session_id, l.student_id, l.outcome, l.held, l.attended, l.excused FROM live l
     )
     SELECT x.student_id, json_object_agg(s.idx, coalesce(x.outcome, '')) AS cells, ${RATE_COLUMNS}
       FROM x
       JOIN unnest($2::uuid[]) WITH ORDINALITY AS s(id, idx) ON s.id = x.session_id
      GROUP BY x.student_id`,
    [courseId, sessionIds],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate) }));
}

/** matrixRows over the view alone (what the tallies must equal; test/attendance-tallies.e2e-spec.ts). */
export async function matrixRowsFromView(db: Db, courseId: string, sessionIds: string[]): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = await db.query(
    `SELECT x.student_id, json_object_agg(s.idx, coalesce(x.outcome, '')) AS cells, ${RATE_COLUMNS}
       FROM attendance_expected x
       JOIN unnest($2::uuid[]) WITH ORDINALITY AS s(id, idx) ON s.id = x.session_id
      WHERE x.course_id = $1
      GROUP BY x.student_id`,
    [courseId, sessionIds],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate) }));
}

export interface StudentCourseRateRow extends RateRow {
  course_id: string | null;
  code: string | null;
  name: string | null;
  timezone: string | null;
  /** Enrolled now. */
  enrolled: boolean | null;
}

/**
 * One student's rate per course (every course they have been enrolled in) and overall (the row with course_id
 * null), for sessions starting in the range (dates in each course's zone).
 */
export async function studentCourseRates(db: Db, studentId: string, range: Range): Promise<StudentCourseRateRow[]> {
  const rows: StudentCourseRateRow[] = await db.query(
    `WITH c AS (
       SELECT c.id, c.code, c.name, c.timezone, bool_or(e.ended_at IS NULL) AS enrolled
         FROM enrollments e JOIN courses c ON c.id = e.course_id
        WHERE e.student_id = $1
        GROUP BY c.id
     )
     SELECT c.id AS course_id, c.code, c.name, c.timezone, bool_or(c.enrolled) AS enrolled, ${RATE_COLUMNS}
       FROM c
       LEFT JOIN attendance_expected x ON x.course_id = c.id AND x.student_id = $1 AND ${startsInRange('c.timezone', '$2', '$3')}
      GROUP BY GROUPING SETS ((c.id, c.code, c.name, c.timezone), ())
      ORDER BY c.code NULLS FIRST`,
    [studentId, range.from ?? null, range.to ?? null],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate) }));
}

export interface OverviewCourseRow extends RateRow {
  id: string;
  code: string;
  name: string;
  students: number;
  held_sessions: number;
  at_risk: number;
}

export interface AtRiskRow extends RateRow {
  student_id: string;
  course_id: string;
  full_name: string;
  student_number: string | null;
  code: string;
  total: number;
}

/**
 * Per (course, student) rate rows over held sessions of the range, in each course's zone; `$1`/`$2` are the range.
 * `risk` keeps the students enrolled now whose rate is under `$3`.
 */
const PER_STUDENT_FROM_VIEW = `
  ps AS (
    SELECT x.course_id, x.student_id, ${RATE_COLUMNS}
      FROM attendance_expected x JOIN courses c ON c.id = x.course_id
     WHERE x.held AND ${startsInRange('c.timezone', '$1', '$2')}
     GROUP BY x.course_id, x.student_id
  ), risk AS (
    SELECT ps.* FROM ps
     WHERE ps.rate < $3
       AND EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = ps.course_id AND e.student_id = ps.student_id AND e.ended_at IS NULL)
  )`;

/**
 * PER_STUDENT_FROM_VIEW without a range (`$1`/`$2` null): the tallies of closed sessions plus the view's rows of the
 * sessions held but never closed (ended, still scheduled or open: few, the overview's "unclosed" list).
 */
const PER_STUDENT_FROM_TALLIES = `
  ps AS (
    SELECT * FROM ${TALLY_PLUS(
      ['course_id', 'student_id'],
      `SELECT * FROM attendance_student_tallies`,
      `SELECT x.course_id, x.student_id, ${RATE_COUNTS}
         FROM attendance_expected x
        WHERE x.held AND x.session_id IN (SELECT s.id FROM class_sessions s WHERE s.state IN ('scheduled', 'open') AND s.ends_at <= now())
        GROUP BY x.course_id, x.student_id`,
    )} p
  ), risk AS (
    SELECT ps.* FROM ps
     WHERE ps.rate < $3
       AND EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = ps.course_id AND e.student_id = ps.student_id AND e.ended_at IS NULL)
  )`;

/**
 * The admin overview's figures in one statement, so the per-(course, student) rows are computed once: every
 * course's figures, and the students enrolled now whose rate in a course is under the threshold, lowest first (the
 * first `limit`, each with the `total` count).
 */
export async function overviewRates(
  db: Db,
  range: Range,
  threshold: number,
  limit: number,
  from: 'tallies' | 'view' = wholeRange(range) ? 'tallies' : 'view',
): Promise<{ courses: OverviewCourseRow[]; atRisk: AtRiskRow[] }> {
  const [row]: { courses: OverviewCourseRow[] | null; at_risk: AtRiskRow[] | null }[] = await db.query(
    `WITH ${from === 'tallies' ? PER_STUDENT_FROM_TALLIES : PER_STUDENT_FROM_VIEW},
     course_sums AS (
       SELECT ps.course_id, sum(ps.held) AS held, sum(ps.present) AS present, sum(ps.late) AS late,
              sum(ps.absent) AS absent, sum(ps.excused) AS excused, sum(ps.pending) AS pending,
              sum(ps.present + ps.late + ps.pending) AS attended
         FROM ps GROUP BY ps.course_id
     ),
     risk_counts AS (SELECT risk.course_id, count(*) AS n FROM risk GROUP BY risk.course_id),
     course_rows AS (
       SELECT c.id, c.code, c.name,
              (SELECT count(*) FROM enrollments e WHERE e.course_id = c.id AND e.ended_at IS NULL)::int AS students,
              (SELECT count(*) FROM class_sessions s
                WHERE s.course_id = c.id AND attendance_session_held(s.state, s.ends_at) AND ${startsInRange('c.timezone', '$1', '$2', 's.starts_at')})::int AS held_sessions,
              coalesce(k.held, 0)::int AS held, coalesce(k.present, 0)::int AS present,
              coalesce(k.late, 0)::int AS late, coalesce(k.absent, 0)::int AS absent,
              coalesce(k.excused, 0)::int AS excused, coalesce(k.pending, 0)::int AS pending,
              attendance_rate(coalesce(k.attended, 0)::bigint, coalesce(k.held, 0)::bigint, coalesce(k.excused, 0)::bigint) AS rate,
              coalesce(rc.n, 0)::int AS at_risk
         FROM courses c
         LEFT JOIN course_sums k ON k.course_id = c.id
         LEFT JOIN risk_counts rc ON rc.course_id = c.id
     ),
     risk_rows AS (
       SELECT risk.*, u.full_name, u.student_number, c.code, count(*) OVER ()::int AS total
         FROM risk JOIN users u ON u.id = risk.student_id JOIN courses c ON c.id = risk.course_id
        ORDER BY risk.rate, u.full_name, c.code
        LIMIT $4
     )
     SELECT (SELECT json_agg(k ORDER BY k.code) FROM course_rows k) AS courses,
            (SELECT json_agg(r ORDER BY r.rate, r.full_name, r.code) FROM risk_rows r) AS at_risk`,
    [range.from ?? null, range.to ?? null, threshold, limit],
  );
  return {
    courses: (row?.courses ?? []).map((r) => ({ ...r, rate: num(r.rate) })),
    atRisk: (row?.at_risk ?? []).map((r) => ({ ...r, rate: num(r.rate) })),
  };
}

export interface WarningCandidateRow extends RateRow {
  student_id: string;
  course_id: string;
  email: string;
  full_name: string;
  locale: string;
  code: string;
  name: string;
}

/**
 * Active students enrolled now whose rate in a course (all held sessions) is under `threshold` once at least
 * `minSessions` count (held − excused), and who have not had the warning `dedupePrefix…week` yet.
 */
export async function warningCandidates(
  db: Db,
  p: { courseId: string | null; studentIds: string[] | null; minSessions: number; threshold: number; week: string },
): Promise<WarningCandidateRow[]> {
  const rows: WarningCandidateRow[] = await db.query(
    `WITH agg AS (
       SELECT x.course_id, x.student_id, ${RATE_COLUMNS}
         FROM attendance_expected x
        WHERE x.held AND ($1::uuid IS NULL OR x.course_id = $1) AND ($2::uuid[] IS NULL OR x.student_id = ANY($2))
        GROUP BY x.course_id, x.student_id
     )
     SELECT a.*, u.email, u.full_name, u.locale, c.code, c.name
       FROM agg a
       JOIN users u ON u.id = a.student_id AND u.active
       JOIN courses c ON c.id = a.course_id
      WHERE a.held - a.excused >= $3 AND a.rate < $4
        AND EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = a.course_id AND e.student_id = a.student_id AND e.ended_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.dedupe_key = 'attendance.warning:' || a.student_id || ':' || a.course_id || ':' || $5)`,
    [p.courseId, p.studentIds, p.minSessions, p.threshold, p.week],
  );
  return rows.map((r) => ({ ...r, rate: num(r.rate) }));
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
