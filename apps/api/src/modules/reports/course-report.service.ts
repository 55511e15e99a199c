import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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
import { attended, checkInBuckets, rateDelta, rateOf, withRate } from './report-math.js';
import { BUCKET_ARRAY, BUCKET_OF, HELD, inRange, STATUS_COUNTS } from './report-sql.js';
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
  state: string;
  held: boolean;
  enrolled: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  pending: number;
  buckets: number[];
}

interface StudentRow {
  id: string;
  full_name: string;
  email: string;
  student_number: string | null;
  present: number;
  late: number;
  absent: number;
  excused: number;
  pending: number;
  recent_attended: number;
  recent_excused: number;
}

export function assertRange(range: ReportRange): void {
  if (range.from && range.to && range.from > range.to) throw ReportErrors.badRange();
}

/**
 * The course report: two aggregate queries (per session, per student) over the course's sessions in the range;
 * the series are folded from the per-session rows. A student's scope filters both queries to their own records.
 */
@Injectable()
export class CourseReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WARNING_THRESHOLD) private readonly threshold: number,
  ) {}

  async course(courseId: string): Promise<ReportCourseDto> {
    const [c]: ReportCourseDto[] = await this.dataSource.query(`SELECT id, code, name, timezone FROM courses WHERE id = $1`, [courseId]);
    if (!c) throw AccessErrors.courseNotFound();
    return c;
  }

  /** Per-session status counts for the enrolled students (or one), with check-in buckets. */
  async sessionRows(course: ReportCourseDto, range: ReportRange, studentId: string | null): Promise<SessionRow[]> {
    return this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, ${HELD} AS held
           FROM class_sessions s
          WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
       ), e AS (
         SELECT student_id FROM enrollments WHERE course_id = $1 AND ($5::uuid IS NULL OR student_id = $5)
       ), r AS (
         SELECT r.session_id, r.status, ${BUCKET_OF} AS bucket
           FROM attendance_records r JOIN s ON s.id = r.session_id JOIN e ON e.student_id = r.student_id
       )
       SELECT s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, s.held, (SELECT count(*) FROM e)::int AS enrolled,
              ${STATUS_COUNTS},
              ${BUCKET_ARRAY}
         FROM s LEFT JOIN r ON r.session_id = s.id
        GROUP BY s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, s.held
        ORDER BY s.starts_at, s.id`,
      [course.id, range.from ?? null, range.to ?? null, course.timezone, studentId],
    );
  }

  /** Per-student status counts over the held sessions of the range, and over the most recent ones. */
  async studentRows(course: ReportCourseDto, range: ReportRange, studentId: string | null): Promise<StudentRow[]> {
    return this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.starts_at FROM class_sessions s WHERE s.course_id = $1 AND ${HELD} AND ${inRange('$4::text', '$2', '$3')}
       ), recent AS (
         SELECT id FROM s ORDER BY starts_at DESC, id DESC LIMIT $6
       )
       SELECT u.id, u.full_name, u.email, u.student_number,
              ${STATUS_COUNTS},
              count(rc.id) FILTER (WHERE r.status IN ('present', 'late', 'pending'))::int AS recent_attended,
              count(rc.id) FILTER (WHERE r.status = 'excused')::int AS recent_excused
         FROM enrollments e
         JOIN users u ON u.id = e.student_id
         LEFT JOIN (attendance_records r JOIN s ON s.id = r.session_id) ON r.student_id = e.student_id
         LEFT JOIN recent rc ON rc.id = r.session_id
        WHERE e.course_id = $1 AND ($5::uuid IS NULL OR e.student_id = $5)
        GROUP BY u.id, u.full_name, u.email, u.student_number
        ORDER BY u.full_name, u.id`,
      [course.id, range.from ?? null, range.to ?? null, course.timezone, studentId, RECENT_SESSIONS],
    );
  }

  async report(courseId: string, range: ReportRange, studentId: string | null): Promise<CourseReportDto> {
    assertRange(range);
    const course = await this.course(courseId);
    const [sessionRows, studentRows] = await Promise.all([this.sessionRows(course, range, studentId), this.studentRows(course, range, studentId)]);
    if (studentId && studentRows.length === 0) throw ReportErrors.studentNotEnrolled();

    const zone = course.timezone;
    const local = (d: Date) => DateTime.fromJSDate(new Date(d)).setZone(zone);
    const sessions = sessionRows.map((r) => toSessionDto(r));
    const heldRows = sessionRows.filter((r) => r.held);
    const held = heldRows.length;
    const recentHeld = Math.min(RECENT_SESSIONS, held);

    const students: CourseReportStudentDto[] = studentRows.map((r) => {
      const counts = withRate({ held, present: r.present, late: r.late, excused: r.excused, pending: r.pending });
      const recentRate = rateOf(r.recent_attended, recentHeld, r.recent_excused);
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
        rateOverTime: heldSessions.map((s) => ({ sessionId: s.sessionId, startsAt: s.startsAt, date: local(new Date(s.startsAt)).toISODate() ?? '', rate: s.rate })),
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
          .map((s) => ({ studentId: s.studentId, fullName: s.fullName, studentNumber: s.studentNumber, rate: s.rate ?? 0, absent: s.absent, held: s.held })),
      },
    };
  }
}

function toSessionDto(r: SessionRow): CourseReportSessionDto {
  const recorded = r.present + r.late + r.absent + r.excused + r.pending;
  const unrecorded = Math.max(0, r.enrolled - recorded);
  const absent = r.held ? r.absent + unrecorded : r.absent;
  return {
    sessionId: r.id,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    title: r.title,
    room: r.room,
    state: r.state,
    held: r.held,
    enrolled: r.enrolled,
    present: r.present,
    late: r.late,
    absent,
    excused: r.excused,
    pending: r.pending,
    awaiting: r.held ? 0 : unrecorded,
    rate: r.held ? rateOf(r.present + r.late + r.pending, r.enrolled, r.excused) : null,
    checkInMinutes: r.buckets,
  };
}
