import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MyReportDto, OverviewDto } from './reports.dto.js';
import { assertRange, type ReportRange } from './course-report.service.js';
import { withRate } from './report-math.js';
import { HELD, inRange } from './report-sql.js';
import { WARNING_THRESHOLD } from './reports.tokens.js';

interface CountsRow {
  held: number;
  present: number;
  late: number;
  excused: number;
  pending: number;
}

/**
 * Per (course, student): held sessions of the course in the range and the student's records in them. The base of the
 * admin overview; `$1`/`$2` are the range (dates in each course's own time zone).
 */
const PER_STUDENT = `
  h AS (
    SELECT s.id, s.course_id FROM class_sessions s JOIN courses c ON c.id = s.course_id
     WHERE ${HELD} AND ${inRange('c.timezone', '$1', '$2')}
  ), hc AS (
    SELECT course_id, count(*)::int AS held FROM h GROUP BY course_id
  ), ps AS (
    SELECT e.course_id, e.student_id, coalesce(hc.held, 0) AS held,
           count(r.status) FILTER (WHERE r.status = 'present')::int AS present,
           count(r.status) FILTER (WHERE r.status = 'late')::int AS late,
           count(r.status) FILTER (WHERE r.status = 'excused')::int AS excused,
           count(r.status) FILTER (WHERE r.status = 'pending')::int AS pending
      FROM enrollments e
      LEFT JOIN hc ON hc.course_id = e.course_id
      LEFT JOIN (attendance_records r JOIN h ON h.id = r.session_id) ON r.student_id = e.student_id AND h.course_id = e.course_id
     GROUP BY e.course_id, e.student_id, hc.held
  ), risk AS (
    -- Rounded like the API's rates (4 decimals) so the list and the per-course figures agree at the boundary.
    SELECT ps.*, round((present + late + pending)::numeric / (held - excused), 4)::float8 AS rate FROM ps
     WHERE held - excused > 0 AND round((present + late + pending)::numeric / (held - excused), 4) < $3
  )`;

/** Rates for one student across their courses, and the admin overview. A fixed handful of queries each. */
@Injectable()
export class OverviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WARNING_THRESHOLD) private readonly threshold: number,
  ) {}

  async myReport(studentId: string, range: ReportRange): Promise<MyReportDto> {
    assertRange(range);
    const rows: (CountsRow & { id: string; code: string; name: string; timezone: string })[] =
      await this.dataSource.query(
        `WITH c AS (
         SELECT c.id, c.code, c.name, c.timezone FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE e.student_id = $1
       ), s AS (
         SELECT s.id, s.course_id FROM class_sessions s JOIN c ON c.id = s.course_id WHERE ${HELD} AND ${inRange('c.timezone', '$2', '$3')}
       )
       SELECT c.id, c.code, c.name, c.timezone, count(s.id)::int AS held,
              count(r.status) FILTER (WHERE r.status = 'present')::int AS present,
              count(r.status) FILTER (WHERE r.status = 'late')::int AS late,
              count(r.status) FILTER (WHERE r.status = 'excused')::int AS excused,
              count(r.status) FILTER (WHERE r.status = 'pending')::int AS pending
         FROM c LEFT JOIN s ON s.course_id = c.id
         LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = $1
        GROUP BY c.id, c.code, c.name, c.timezone
        ORDER BY c.code`,
        [studentId, range.from ?? null, range.to ?? null],
      );
    const courses = rows.map((r) => {
      const counts = withRate({
        held: r.held,
        present: r.present,
        late: r.late,
        excused: r.excused,
        pending: r.pending,
      });
      return {
        courseId: r.id,
        code: r.code,
        name: r.name,
        timezone: r.timezone,
        ...counts,
        atRisk: counts.rate !== null && counts.rate < this.threshold,
      };
    });
    const sum = (k: keyof CountsRow) => rows.reduce((n, r) => n + r[k], 0);
    return {
      overall: withRate({
        held: sum('held'),
        present: sum('present'),
        late: sum('late'),
        excused: sum('excused'),
        pending: sum('pending'),
      }),
      courses,
      warningThreshold: this.threshold,
      from: range.from ?? null,
      to: range.to ?? null,
    };
  }

  async overview(range: ReportRange): Promise<OverviewDto> {
    assertRange(range);
    const params = [range.from ?? null, range.to ?? null, this.threshold];
    const courseRows: (CountsRow & {
      id: string;
      code: string;
      name: string;
      students: number;
      held_sessions: number;
      at_risk: number;
    })[] = await this.dataSource.query(
      `WITH ${PER_STUDENT}
       SELECT c.id, c.code, c.name, count(ps.student_id)::int AS students, coalesce((SELECT held FROM hc WHERE hc.course_id = c.id), 0) AS held_sessions,
              coalesce(sum(ps.held), 0)::int AS held, coalesce(sum(ps.present), 0)::int AS present, coalesce(sum(ps.late), 0)::int AS late,
              coalesce(sum(ps.excused), 0)::int AS excused, coalesce(sum(ps.pending), 0)::int AS pending,
              (SELECT count(*) FROM risk WHERE risk.course_id = c.id)::int AS at_risk
         FROM courses c LEFT JOIN ps ON ps.course_id = c.id
        GROUP BY c.id, c.code, c.name
        ORDER BY c.code`,
      params,
    );
    const riskRows: (CountsRow & {
      student_id: string;
      full_name: string;
      student_number: string | null;
      course_id: string;
      code: string;
      rate: number;
      total: number;
    })[] = await this.dataSource.query(
      `WITH ${PER_STUDENT}
         SELECT risk.*, u.full_name, u.student_number, c.code, count(*) OVER ()::int AS total
           FROM risk JOIN users u ON u.id = risk.student_id JOIN courses c ON c.id = risk.course_id
          ORDER BY risk.rate, u.full_name, c.code
          LIMIT 20`,
      params,
    );
    const unclosed: {
      id: string;
      course_id: string;
      code: string;
      title: string | null;
      starts_at: Date;
      ends_at: Date;
      total: number;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.course_id, c.code, s.title, s.starts_at, s.ends_at, count(*) OVER ()::int AS total
         FROM class_sessions s JOIN courses c ON c.id = s.course_id
        WHERE s.state IN ('scheduled', 'open') AND s.ends_at <= now()
        ORDER BY s.ends_at, s.id
        LIMIT 20`,
    );
    const [{ n: pendingJustifications }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM justifications WHERE status = 'pending'`,
    );

    return {
      from: range.from ?? null,
      to: range.to ?? null,
      warningThreshold: this.threshold,
      courses: courseRows.map((r) => ({
        courseId: r.id,
        code: r.code,
        name: r.name,
        students: r.students,
        heldSessions: r.held_sessions,
        ...withRate({ held: r.held, present: r.present, late: r.late, excused: r.excused, pending: r.pending }),
        atRisk: r.at_risk,
      })),
      atRiskCount: riskRows[0]?.total ?? 0,
      atRisk: riskRows.map((r) => {
        const counts = withRate({
          held: r.held,
          present: r.present,
          late: r.late,
          excused: r.excused,
          pending: r.pending,
        });
        return {
          studentId: r.student_id,
          fullName: r.full_name,
          studentNumber: r.student_number,
          courseId: r.course_id,
          courseCode: r.code,
          rate: counts.rate ?? 0,
          absent: counts.absent,
          held: r.held,
        };
      }),
      unclosedCount: unclosed[0]?.total ?? 0,
      unclosed: unclosed.map((s) => ({
        sessionId: s.id,
        courseId: s.course_id,
        courseCode: s.code,
        title: s.title,
        startsAt: new Date(s.starts_at).toISOString(),
        endsAt: new Date(s.ends_at).toISOString(),
      })),
      pendingJustifications,
    };
  }
}
