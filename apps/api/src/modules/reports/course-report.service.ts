import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SessionState } from '@sysponto/contracts';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AccessErrors } from '../../common/access.service.js';
import type {
  CourseReportDto,
  CourseReportSessionDto,
  CourseReportStudentDto,
  HourPointDto,
  ReportCourseDto,
  WeekdayPointDto,
} from './reports.dto.js';
import { ReportErrors } from './reports.errors.js';
import { attended, CHECK_IN_THRESHOLDS, checkInBuckets, rateDelta, rateOf, withRate } from './report-math.js';
import { BUCKET_ARRAY, BUCKET_OF, HELD, inRange } from './report-sql.js';
import { WARNING_THRESHOLD } from './reports.tokens.js';

/** Sessions a student's trend looks back over. */
const RECENT_SESSIONS = 4;

export interface ReportRange {
  from?: string;
  to?: string;
}

interface SessionRow {
  id: string;
  title: string | null;
  room: string | null;
  starts_at: Date;
  ends_at: Date;
  state: SessionState;
  held: boolean;
}

interface StudentRow {
  id: string;
  full_name: string;
  email: string;
  student_number: string | null;
}

interface Counts {
  present: number;
  late: number;
  absent: number;
  excused: number;
  pending: number;
}

/** One row per session (student_id null) and one per student (session_id null): the GROUPING SETS result. */
interface AggregateRow {
  session_id: string | null;
  student_id: string | null;
  /** Over every session of the range (per-session rows). */
  all: Counts;
  /** Over held sessions only (per-student rows). */
  held: Counts;
  recent_attended: number;
  recent_excused: number;
  buckets: number[];
}

const ZERO: Counts = { present: 0, late: 0, absent: 0, excused: 0, pending: 0 };

export function assertRange(range: ReportRange): void {
  if (range.from && range.to && range.from > range.to) throw ReportErrors.badRange();
}

/**
 * The course report: the sessions, the students and one GROUPING SETS pass over the records (per session and per
 * student); the series are folded from the per-session rows. A student's scope filters to their own records.
 */
@Injectable()
export class CourseReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WARNING_THRESHOLD) private readonly threshold: number,
  ) {}

  async course(courseId: string): Promise<ReportCourseDto> {
    const [c]: ReportCourseDto[] = await this.dataSource.query(
      `SELECT id, code, name, timezone FROM courses WHERE id = $1`,
      [courseId],
    );
    if (!c) throw AccessErrors.courseNotFound();
    return c;
  }

  /** The sessions of the range, with whether each is held. */
  async sessionRows(course: ReportCourseDto, range: ReportRange): Promise<SessionRow[]> {
    return this.dataSource.query(
      `SELECT s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, ${HELD} AS held
         FROM class_sessions s
        WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
        ORDER BY s.starts_at, s.id`,
      [course.id, range.from ?? null, range.to ?? null, course.timezone],
    );
  }

  /** The enrolled students (or the one), by name. */
  async studentRows(courseId: string, studentId: string | null): Promise<StudentRow[]> {
    return this.dataSource.query(
      `SELECT u.id, u.full_name, u.email, u.student_number
         FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 AND ($2::uuid IS NULL OR e.student_id = $2)
        ORDER BY u.full_name, u.id`,
      [courseId, studentId],
    );
  }

  /**
   * Every status count of the report in one pass over the records: GROUPING SETS yields the per-session rows (all
   * sessions of the range) and the per-student rows (held sessions, and the last few held ones for the trend).
   */
  async aggregates(course: ReportCourseDto, range: ReportRange, studentId: string | null): Promise<AggregateRow[]> {
    const statuses = ['present', 'late', 'absent', 'excused', 'pending'];
    // Plain int columns (all_<status>, held_<status>): cheaper than building JSON per group.
    const counts = (prefix: string, filter: string) =>
      statuses.map((st) => `count(*) FILTER (WHERE r.status = '${st}'${filter})::int AS ${prefix}_${st}`).join(', ');
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.starts_at, ${HELD} AS held FROM class_sessions s WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
       ), recent AS (
         SELECT id FROM s WHERE held ORDER BY starts_at DESC, id DESC LIMIT $6
       ), r AS (
         SELECT r.session_id, r.student_id, r.status, s.held, rc.id IS NOT NULL AS recent, ${BUCKET_OF} AS bucket
           FROM attendance_records r
           JOIN s ON s.id = r.session_id
           JOIN enrollments e ON e.course_id = $1 AND e.student_id = r.student_id
           LEFT JOIN recent rc ON rc.id = r.session_id
          WHERE ($5::uuid IS NULL OR r.student_id = $5)
       )
       SELECT r.session_id, r.student_id, ${counts('all', '')}, ${counts('held', ' AND r.held')},
              count(*) FILTER (WHERE r.recent AND r.status IN ('present', 'late', 'pending'))::int AS recent_attended,
              count(*) FILTER (WHERE r.recent AND r.status = 'excused')::int AS recent_excused,
              ${BUCKET_ARRAY}
         FROM r
        GROUP BY GROUPING SETS ((r.session_id), (r.student_id))`,
      [course.id, range.from ?? null, range.to ?? null, course.timezone, studentId, RECENT_SESSIONS],
    );
    const pick = (row: Record<string, unknown>, prefix: string): Counts =>
      Object.fromEntries(statuses.map((st) => [st, row[`${prefix}_${st}`] as number])) as unknown as Counts;
    return rows.map((row) => ({
      session_id: row.session_id as string | null,
      student_id: row.student_id as string | null,
      all: pick(row, 'all'),
      held: pick(row, 'held'),
      recent_attended: row.recent_attended as number,
      recent_excused: row.recent_excused as number,
      buckets: row.buckets as number[],
    }));
  }

  async report(courseId: string, range: ReportRange, studentId: string | null): Promise<CourseReportDto> {
    assertRange(range);
    const course = await this.course(courseId);
    const [sessionRows, studentRows, aggregateRows] = await Promise.all([
      this.sessionRows(course, range),
      this.studentRows(course.id, studentId),
      this.aggregates(course, range, studentId),
    ]);
    if (studentId && studentRows.length === 0) throw ReportErrors.studentNotEnrolled();
    const bySession = new Map(aggregateRows.filter((a) => a.session_id).map((a) => [a.session_id, a]));
    const byStudent = new Map(aggregateRows.filter((a) => a.student_id).map((a) => [a.student_id, a]));
    const enrolled = studentRows.length;

    const zone = course.timezone;
    const local = (d: Date) => DateTime.fromJSDate(new Date(d)).setZone(zone);
    const sessions = sessionRows.map((r) => toSessionDto(r, enrolled, bySession.get(r.id)));
    const heldRows = sessionRows.filter((r) => r.held);
    const held = heldRows.length;
    const recentHeld = Math.min(RECENT_SESSIONS, held);

    const students: CourseReportStudentDto[] = studentRows.map((r) => {
      const a = byStudent.get(r.id);
      const c = a?.held ?? ZERO;
      const counts = withRate({ held, present: c.present, late: c.late, excused: c.excused, pending: c.pending });
      const recentRate = rateOf(a?.recent_attended ?? 0, recentHeld, a?.recent_excused ?? 0);
      return {
        studentId: r.id,
        fullName: r.full_name,
        email: r.email,
        studentNumber: r.student_number,
        ...counts,
        recentRate,
        trend: rateDelta(recentRate, counts.rate),
        atRisk: counts.rate !== null && counts.rate < this.threshold,
      };
    });

    const heldSessions = sessions.filter((s) => s.held);
    const totals = heldSessions.reduce(
      (t, s) => ({
        heldSessions: t.heldSessions + 1,
        expected: t.expected + s.enrolled,
        present: t.present + s.present,
        late: t.late + s.late,
        absent: t.absent + s.absent,
        excused: t.excused + s.excused,
        pending: t.pending + s.pending,
      }),
      { heldSessions: 0, expected: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0 },
    );

    const weekdays = new Map<number, { sessions: number; attended: number; expected: number; excused: number }>();
    const hours = new Map<number, { sessions: number; attended: number; expected: number; excused: number }>();
    const fold = (map: typeof weekdays, key: number, s: CourseReportSessionDto) => {
      const g = map.get(key) ?? { sessions: 0, attended: 0, expected: 0, excused: 0 };
      g.sessions += 1;
      g.attended += attended(s);
      g.expected += s.enrolled;
      g.excused += s.excused;
      map.set(key, g);
    };
    for (const s of heldSessions) {
      const t = local(new Date(s.startsAt));
      fold(weekdays, t.weekday, s);
      fold(hours, t.hour, s);
    }
    const weekdayPoints: WeekdayPointDto[] = [1, 2, 3, 4, 5, 6, 7].map((weekday) => {
      const g = weekdays.get(weekday);
      return { weekday, sessions: g?.sessions ?? 0, rate: g ? rateOf(g.attended, g.expected, g.excused) : null };
    });
    const hourPoints: HourPointDto[] = [...hours.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([hour, g]) => ({ hour, sessions: g.sessions, rate: rateOf(g.attended, g.expected, g.excused) }));

    const buckets = checkInBuckets();
    return {
      course,
      scope: studentId ? 'student' : 'course',
      from: range.from ?? null,
      to: range.to ?? null,
      generatedAt: new Date().toISOString(),
      warningThreshold: this.threshold,
      rate: rateOf(totals.present + totals.late + totals.pending, totals.expected, totals.excused),
      totals,
      checkInBuckets: buckets,
      students,
      sessions,
      series: {
        rateOverTime: heldSessions.map((s) => ({
          sessionId: s.sessionId,
          startsAt: s.startsAt,
          date: local(new Date(s.startsAt)).toISODate() ?? '',
          rate: s.rate,
        })),
        statusMix: heldSessions.map((s) => ({
          sessionId: s.sessionId,
          label: local(new Date(s.startsAt)).toFormat('yyyy-MM-dd HH:mm'),
          present: s.present,
          late: s.late,
          absent: s.absent,
          excused: s.excused,
          pending: s.pending,
        })),
        weekdays: weekdayPoints,
        hours: hourPoints,
        checkInDistribution: buckets.map((_, i) => heldSessions.reduce((n, s) => n + (s.checkInMinutes[i] ?? 0), 0)),
        atRisk: students
          .filter((s) => s.atRisk)
          .sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0) || a.fullName.localeCompare(b.fullName))
          .map((s) => ({
            studentId: s.studentId,
            fullName: s.fullName,
            studentNumber: s.studentNumber,
            rate: s.rate ?? 0,
            absent: s.absent,
            held: s.held,
          })),
      },
    };
  }
}

function toSessionDto(r: SessionRow, enrolled: number, a: AggregateRow | undefined): CourseReportSessionDto {
  const c = a?.all ?? ZERO;
  const recorded = c.present + c.late + c.absent + c.excused + c.pending;
  const unrecorded = Math.max(0, enrolled - recorded);
  return {
    sessionId: r.id,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    title: r.title,
    room: r.room,
    state: r.state,
    held: r.held,
    enrolled,
    present: c.present,
    late: c.late,
    absent: r.held ? c.absent + unrecorded : c.absent,
    excused: c.excused,
    pending: c.pending,
    awaiting: r.held ? 0 : unrecorded,
    rate: r.held ? rateOf(c.present + c.late + c.pending, enrolled, c.excused) : null,
    checkInMinutes: a?.buckets ?? CHECK_IN_THRESHOLDS.map(() => 0).concat(0),
  };
}
