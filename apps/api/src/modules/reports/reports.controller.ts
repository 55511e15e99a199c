import { applyDecorators, Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import type { FastifyReply } from 'fastify';
import { AccessService } from '../../common/access.service.js';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import { CommonErrors } from '../../common/app-error.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { CourseReportService } from './course-report.service.js';
import { type ExportFile, ExportsService } from './exports.service.js';
import { OverviewService } from './overview.service.js';
import { CourseReportDto, CourseReportQueryDto, MyReportDto, OverviewDto, ReportRangeQueryDto } from './reports.dto.js';

const RATE =
  'Rate = (present + late + pending) ÷ (held − excused), a fraction 0..1 (null when the denominator is 0). Held sessions are closed ' +
  'or already ended; a held session without a record counts as absent; pending check-ins count as attended and are shown apart; ' +
  'excused sessions leave the denominator and are shown apart. Dates (from/to, inclusive) are in the course time zone.';

const FILE = {
  description: 'The file (Content-Disposition: attachment).',
  schema: { type: 'string', format: 'binary' },
};

/** An export route's documentation: the file's media type, the file as the 200 body, and its errors. */
const ExportFileRoute = (mediaType: string) =>
  applyDecorators(ApiProduces(mediaType), ApiOkResponse(FILE), ApiAuth(400, 404));

function send(reply: FastifyReply, file: ExportFile): ExportFile['body'] {
  void reply
    .header('Content-Type', file.contentType)
    .header('Content-Disposition', `attachment; filename="${file.fileName}"`)
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff');
  return file.body;
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly access: AccessService,
    private readonly courseReports: CourseReportService,
    private readonly overviews: OverviewService,
    private readonly exports: ExportsService,
  ) {}

  @Get('overview')
  @Roles(UserRole.Admin)
  @ApiOperation({
    summary: "Admin overview: every course's rate, students at risk, sessions left unclosed, justifications pending.",
    description: RATE,
  })
  @ApiOkResponse({ type: OverviewDto })
  @ApiAuth(400)
  getReportsOverview(@Query() query: ReportRangeQueryDto): Promise<OverviewDto> {
    return this.overviews.overview(query);
  }

  @Get('me')
  @Roles(UserRole.Student)
  @ApiOperation({ summary: 'My attendance rates per course and overall (students).', description: RATE })
  @ApiOkResponse({ type: MyReportDto })
  @ApiAuth(400)
  getMyReport(@CurrentUser() user: AuthUser, @Query() query: ReportRangeQueryDto): Promise<MyReportDto> {
    return this.overviews.myReport(user.id, query);
  }

  @Get('courses/:id')
  @ApiOperation({
    summary: 'Course report: per student, per session, and chart-ready series.',
    description:
      `${RATE} Teachers of the course and admins see every enrolled student (or one with ?studentId); an enrolled student ` +
      'sees only their own figures (scope "student"; session counts are theirs alone) and gets 403 for another studentId.',
  })
  @ApiOkResponse({ type: CourseReportDto })
  @ApiAuth(400, 404)
  async getCourseReport(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: CourseReportQueryDto,
  ): Promise<CourseReportDto> {
    const relation = await this.access.assertCourseVisible(user, id);
    let studentId = query.studentId ?? null;
    if (relation === 'student') {
      if (studentId && studentId !== user.id) throw CommonErrors.forbidden();
      studentId = user.id;
    }
    return this.courseReports.report(id, query, studentId);
  }

  @Get('courses/:id/attendance.csv')
  @ApiOperation({
    summary: 'CSV export: roster × sessions matrix (one row per enrolled student, one column per session, totals).',
    description:
      'Letters: P present, L late, A absent (or no record in a held session), E excused, C checked in awaiting validation, empty: ' +
      'not held yet. UTF-8 with BOM, CRLF, RFC 4180 quoting; text starting with = + - @ TAB CR gets a leading apostrophe. ' +
      'Teachers of the course and admins.',
  })
  @ExportFileRoute('text/csv')
  exportCourseAttendanceCsv(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ReportRangeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportFile['body']> {
    return this.exportFile(user, id, reply, () => this.exports.attendanceCsv(id, query));
  }

  @Get('courses/:id/attendance.xlsx')
  @ApiOperation({
    summary: 'Excel export of the roster × sessions matrix (with a legend sheet). Teachers of the course and admins.',
  })
  @ExportFileRoute('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  exportCourseAttendanceXlsx(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ReportRangeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportFile['body']> {
    return this.exportFile(user, id, reply, () => this.exports.attendanceXlsx(id, query));
  }

  @Get('courses/:id/records.csv')
  @ApiOperation({
    summary: "CSV export of the raw attendance records of the course's sessions (times with the course's UTC offset).",
    description: 'Same CSV conventions as attendance.csv. Teachers of the course and admins.',
  })
  @ExportFileRoute('text/csv')
  exportCourseRecordsCsv(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ReportRangeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportFile['body']> {
    return this.exportFile(user, id, reply, () => this.exports.recordsCsv(id, query));
  }

  /** Teachers of the course and admins: the file, with its download headers. */
  private async exportFile(
    user: AuthUser,
    courseId: string,
    reply: FastifyReply,
    make: () => Promise<ExportFile>,
  ): Promise<ExportFile['body']> {
    await this.access.assertCourseStaff(user, courseId);
    return send(reply, await make());
  }
}
