import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MyReportDto, OverviewDto } from './reports.dto.js';
import { assertRange, type ReportRange } from './course-report.service.js';
import { overviewRates, pickRate, studentCourseRates } from './rates.queries.js';
import { unclosedSessions } from './overview.queries.js';
import { JustificationEntity } from '../justifications/justification.entity.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/** Rates for one student across their courses, and the admin overview. A fixed handful of queries each. */
@Injectable()
export class OverviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async myReport(studentId: string, range: ReportRange): Promise<MyReportDto> {
    assertRange(range);
    const rows = await studentCourseRates(this.dataSource.manager, studentId, range);
    const overall = rows.find((r) => r.course_id === null);
    const courses = rows
      .filter((r) => r.course_id !== null)
      .map((r) => {
        const counts = pickRate(r);
        return {
          courseId: r.course_id!,
          code: r.code!,
          name: r.name!,
          timezone: r.timezone!,
          enrolled: r.enrolled ?? false,
          ...counts,
          atRisk: !!r.enrolled && counts.rate !== null && counts.rate < this.config.reports.warningThreshold,
        };
      });
    return {
      overall: overall
        ? pickRate(overall)
        : { held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0, rate: null },
      courses,
      warningThreshold: this.config.reports.warningThreshold,
      from: range.from ?? null,
      to: range.to ?? null,
    };
  }

  async overview(range: ReportRange): Promise<OverviewDto> {
    assertRange(range);
    const { courses: courseRows, atRisk: riskRows } = await overviewRates(
      this.dataSource.manager,
      range,
      this.config.reports.warningThreshold,
      20,
    );
    const unclosed = await unclosedSessions(this.dataSource.manager, 20);
    const pendingJustifications = await this.dataSource
      .getRepository(JustificationEntity)
      .countBy({ status: 'pending' });

    return {
      from: range.from ?? null,
      to: range.to ?? null,
      warningThreshold: this.config.reports.warningThreshold,
      courses: courseRows.map((r) => ({
        courseId: r.id,
        code: r.code,
        name: r.name,
        students: r.students,
        heldSessions: r.held_sessions,
        ...pickRate(r),
        atRisk: r.at_risk,
      })),
      atRiskCount: riskRows[0]?.total ?? 0,
      atRisk: riskRows.map((r) => {
        const counts = pickRate(r);
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
