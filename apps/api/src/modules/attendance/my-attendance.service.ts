import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pickRate, studentCourseRates } from '../reports/rates.queries.js';
import type { MyAttendanceDto, MyAttendanceItemDto, MyAttendanceQueryDto } from './attendance.dto.js';
import { readMyAttendance } from './my-attendance.queries.js';

/** A student's own history and rates. */
@Injectable()
export class MyAttendanceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(studentId: string, q: MyAttendanceQueryDto): Promise<MyAttendanceDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const [{ rows, total }, rates] = await Promise.all([
      readMyAttendance(this.dataSource.manager, studentId, q, { limit: pageSize, offset: (page - 1) * pageSize }),
      studentCourseRates(this.dataSource.manager, studentId, {}),
    ]);
    const items: MyAttendanceItemDto[] = rows.map((r) => ({
      sessionId: r.sessionId,
      courseId: r.courseId,
      courseCode: r.code,
      courseName: r.name,
      timezone: r.timezone,
      sessionTitle: r.title ?? null,
      startsAt: new Date(r.startsAt).toISOString(),
      endsAt: new Date(r.endsAt).toISOString(),
      status: r.status,
      recorded: r.recorded,
      source: r.source ?? null,
      checkedInAt: r.checkedInAt ? new Date(r.checkedInAt).toISOString() : null,
      validatedAt: r.validatedAt ? new Date(r.validatedAt).toISOString() : null,
      note: r.note ?? null,
    }));
    const overall = rates.find((r) => r.course_id === null);
    return {
      items,
      total,
      page,
      pageSize,
      overall: overall ? pickRate(overall) : pickRate({ ...ZERO, rate: null }),
      courses: rates
        .filter((r) => r.course_id !== null)
        .map((r) => ({ courseId: r.course_id!, courseCode: r.code!, courseName: r.name!, ...pickRate(r) })),
    };
  }
}

const ZERO = { held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0 };
