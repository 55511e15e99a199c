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
import { attended, CHECK_IN_THRESHOLDS, checkInBuckets, rateDelta, rateOf } from './report-math.js';
import { reportSessions, type ReportSessionRow } from './course-report.queries.js';
import { CourseEntity } from '../courses/course.entity.js';
import {
  type CourseAggregateRow,
  courseAggregates,
  courseStudents,
  pickRate,
  type ReportStudentRow,
} from './rates.queries.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/** Sessions a student's trend looks back over. */
const RECENT_SESSIONS = 4;

export interface ReportRange {
  from?: string;
  to?: string;
}

const ZERO_COUNTS = { present: 0, late: 0, absent: 0, excused: 0, pending: 0 };

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async course(courseId: string): Promise<ReportCourseDto> {
    const c = await this.dataSource
      .getRepository(CourseEntity)
      .findOne({ select: { id: true, code: true, name: true, timezone: true }, where: { id: courseId } });
    if (!c) throw AccessErrors.courseNotFound();
    return { id: c.id, code: c.code, name: c.name, timezone: c.timezone };
  }

  /** The sessions of the range, with whether each is held. */
  async sessionRows(course: ReportCourseDto, range: ReportRange): Promise<ReportSessionRow[]> {
    return reportSessions(this.dataSource.manager, course.id, course.timezone, range);
  }

  /**
   * The course's students (enrolled now, or among `expectedIds`: those expected at a session of the range), or the
   * one; by name.
   */
  async studentRows(
    course: ReportCourseDto,
    expectedIds: string[],
    studentId: string | null,
  ): Promise<ReportStudentRow[]> {
    return courseStudents(this.dataSource.manager, { courseId: course.id, expectedIds, studentId });
  }

  async report(courseId: string, range: ReportRange, studentId: string | null): Promise<CourseReportDto> {
    assertRange(range);
    const course = await this.course(courseId);
    const [sessionRows, aggregateRows] = await Promise.all([
      this.sessionRows(course, range),
      courseAggregates(this.dataSource.manager, {
        courseId: course.id,
        timezone: course.timezone,
        range,
        studentId,
        recent: RECENT_SESSIONS,
      }),
    ]);
    // The per-student aggregate rows are the students expected at a session of the range.
    const expectedIds = aggregateRows.flatMap((a) => (a.student_id ? [a.student_id] : []));
    const studentRows = await this.studentRows(course, expectedIds, studentId);
    if (studentId && studentRows.length === 0) throw ReportErrors.studentNotEnrolled();
    const bySession = new Map(aggregateRows.filter((a) => a.session_id).map((a) => [a.session_id, a]));
    const byStudent = new Map(aggregateRows.filter((a) => a.student_id).map((a) => [a.student_id, a]));
    const total = aggregateRows.find((a) => !a.session_id && !a.student_id);

    const zone = course.timezone;
    const local = (d: Date) => DateTime.fromJSDate(new Date(d)).setZone(zone);
    const sessions = sessionRows.map((r) => toSessionDto(r, bySession.get(r.id)));

    const students: CourseReportStudentDto[] = studentRows.map((r) => {
      const a = byStudent.get(r.id);
      const counts = a ? pickRate(a) : { held: 0, ...ZERO_COUNTS, rate: null };
      const recentRate = a?.recent_rate ?? null;
      return {
        studentId: r.id,
        fullName: r.full_name,
        email: r.email,
        studentNumber: r.student_number,
        enrolled: r.enrolled,
        ...counts,
        recentRate,
        trend: rateDelta(recentRate, counts.rate),
        atRisk: r.enrolled && counts.rate !== null && counts.rate < this.config.reports.warningThreshold,
      };
    });

    const heldSessions = sessions.filter((s) => s.held);
    const t = total ? pickRate(total) : { held: 0, ...ZERO_COUNTS, rate: null };
    const totals = {
      heldSessions: heldSessions.length,
      expected: t.held,
      present: t.present,
      late: t.late,
      absent: t.absent,
      excused: t.excused,
      pending: t.pending,
    };

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
      warningThreshold: this.config.reports.warningThreshold,
      rate: t.rate,
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

function toSessionDto(r: ReportSessionRow, a: CourseAggregateRow | undefined): CourseReportSessionDto {
  return {
    sessionId: r.id,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    title: r.title,
    room: r.room,
    state: r.state,
    held: r.held,
    enrolled: a?.expected ?? 0,
    present: a?.all_present ?? 0,
    late: a?.all_late ?? 0,
    absent: a?.all_absent ?? 0,
    excused: a?.all_excused ?? 0,
    pending: a?.all_pending ?? 0,
    awaiting: a?.awaiting ?? 0,
    rate: r.held ? (a?.rate ?? null) : null,
    checkInMinutes: a?.buckets ?? CHECK_IN_THRESHOLDS.map(() => 0).concat(0),
  };
}
