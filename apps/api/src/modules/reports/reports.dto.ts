import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SESSION_STATES, type SessionState } from '@sysponto/contracts';
import { IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date range in the course's time zone (each course's own zone in the overview); both ends inclusive. */
export class ReportRangeQueryDto {
  /** First day (YYYY-MM-DD, inclusive) of sessions to count, in the course's time zone. */
  @ApiPropertyOptional({ format: 'date', example: '2026-09-15' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'from must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  from?: string;

  /** Last day (YYYY-MM-DD, inclusive) of sessions to count, in the course's time zone. */
  @ApiPropertyOptional({ format: 'date', example: '2026-12-20' })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'to must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  to?: string;
}

export class CourseReportQueryDto extends ReportRangeQueryDto {
  /** Only this enrolled student (staff). Students always get their own figures only. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class RateCountsDto {
  /**
   * Held sessions counted: closed, or ended (never cancelled ones), where the student was expected — enrolled when
   * the session started (or attended it anyway).
   */
  @ApiProperty({ minimum: 0 }) held: number;
  @ApiProperty({ minimum: 0 }) present: number;
  @ApiProperty({ minimum: 0 }) late: number;
  /** Held sessions marked absent or without any record. */
  @ApiProperty({ minimum: 0 }) absent: number;
  /** Approved justifications or teacher decisions: left out of the rate's denominator. */
  @ApiProperty({ minimum: 0 }) excused: number;
  /** Checked in, not validated yet: counted as attended. */
  @ApiProperty({ minimum: 0 }) pending: number;
  /** (present + late + pending) ÷ (held − excused), 0..1; null when the denominator is 0. */
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1 }) rate: number | null;
}

export class ReportCourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  /** IANA time zone used for dates, weekdays and hours in this report. */
  @ApiProperty() timezone: string;
}

export class CourseReportStudentDto extends RateCountsDto {
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  /** Enrolled now. Students who left are listed with their figures from while they were enrolled. */
  @ApiProperty() enrolled: boolean;
  /** Rate over the student's last (up to) 4 held sessions of the range. */
  @ApiProperty({ type: Number, nullable: true }) recentRate: number | null;
  /** recentRate − rate: negative when the student is slipping; null when either is unknown. */
  @ApiProperty({ type: Number, nullable: true }) trend: number | null;
  /** Enrolled now and rate below the warning threshold. */
  @ApiProperty() atRisk: boolean;
}

export class CheckInBucketDto {
  @ApiProperty({ example: '0 to 5' }) label: string;
  /** Minutes after the session start (negative: before), inclusive; null: open-ended. */
  @ApiProperty({ type: Number, nullable: true }) fromMinute: number | null;
  /** Exclusive upper end; null: open-ended. */
  @ApiProperty({ type: Number, nullable: true }) toMinute: number | null;
}

export class CourseReportSessionDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ type: String, nullable: true }) room: string | null;
  @ApiProperty({ enum: SESSION_STATES, enumName: 'SessionState' }) state: SessionState;
  /** Counted in rates: closed, or ended (a cancelled session never is). */
  @ApiProperty() held: boolean;
  /** Students expected: enrolled when the session started (or who attended it anyway). */
  @ApiProperty({ minimum: 0 }) enrolled: number;
  @ApiProperty({ minimum: 0 }) present: number;
  @ApiProperty({ minimum: 0 }) late: number;
  /** Marked absent, plus (held sessions only) students without any record. */
  @ApiProperty({ minimum: 0 }) absent: number;
  @ApiProperty({ minimum: 0 }) excused: number;
  @ApiProperty({ minimum: 0 }) pending: number;
  /** Sessions not held yet: students without a record so far (0 once held: they count as absent). */
  @ApiProperty({ minimum: 0 }) awaiting: number;
  /** Held sessions: (present + late + pending) ÷ (enrolled − excused); null otherwise (and for cancelled ones). */
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
  /** Check-ins per bucket of minutes after the start, aligned with `checkInBuckets`. */
  @ApiProperty({ type: [Number] }) checkInMinutes: number[];
}

export class RatePointDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  /** Local date in the course's time zone (chart label). */
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
}

export class StatusMixPointDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  /** Local date and time in the course's time zone, e.g. "2026-11-03 09:00". */
  @ApiProperty() label: string;
  @ApiProperty() present: number;
  @ApiProperty() late: number;
  @ApiProperty() absent: number;
  @ApiProperty() excused: number;
  @ApiProperty() pending: number;
}

export class WeekdayPointDto {
  /** ISO weekday in the course's time zone: 1 = Monday … 7 = Sunday. */
  @ApiProperty({ minimum: 1, maximum: 7 }) weekday: number;
  /** Held sessions starting on that weekday. */
  @ApiProperty() sessions: number;
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
}

export class HourPointDto {
  /** Starting hour in the course's time zone (0–23); only hours with held sessions are listed. */
  @ApiProperty({ minimum: 0, maximum: 23 }) hour: number;
  @ApiProperty() sessions: number;
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
}

export class AtRiskStudentDto {
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  @ApiProperty() rate: number;
  @ApiProperty() absent: number;
  @ApiProperty() held: number;
}

export class CourseReportSeriesDto {
  /** One point per held session, in time order. */
  @ApiProperty({ type: [RatePointDto] }) rateOverTime: RatePointDto[];
  /** Status counts per held session (stacked bars). */
  @ApiProperty({ type: [StatusMixPointDto] }) statusMix: StatusMixPointDto[];
  /** Always 7 entries, Monday first. */
  @ApiProperty({ type: [WeekdayPointDto] }) weekdays: WeekdayPointDto[];
  @ApiProperty({ type: [HourPointDto] }) hours: HourPointDto[];
  /** Check-ins of all held sessions per bucket, aligned with `checkInBuckets`. */
  @ApiProperty({ type: [Number] }) checkInDistribution: number[];
  /** Students whose rate is below the warning threshold, lowest first. */
  @ApiProperty({ type: [AtRiskStudentDto] }) atRisk: AtRiskStudentDto[];
}

export class CourseTotalsDto {
  /** Held sessions in the range. */
  @ApiProperty() heldSessions: number;
  /** Student × held session pairs (what the rate is over, before excused). */
  @ApiProperty() expected: number;
  @ApiProperty() present: number;
  @ApiProperty() late: number;
  @ApiProperty() absent: number;
  @ApiProperty() excused: number;
  @ApiProperty() pending: number;
}

export class CourseReportDto {
  @ApiProperty({ type: ReportCourseDto }) course: ReportCourseDto;
  /** `course`: every enrolled student; `student`: one student's own figures (a student's view, or ?studentId). */
  @ApiProperty({ enum: ['course', 'student'] }) scope: 'course' | 'student';
  @ApiProperty({ type: String, format: 'date', nullable: true }) from: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) to: string | null;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  /** Students below this rate (0..1, from ATTENDANCE_WARNING_PERCENT, default 0.75) are at risk. */
  @ApiProperty() warningThreshold: number;
  /** Overall rate: all attended ÷ all (expected − excused). */
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
  @ApiProperty({ type: CourseTotalsDto }) totals: CourseTotalsDto;
  @ApiProperty({ type: [CheckInBucketDto] }) checkInBuckets: CheckInBucketDto[];
  /** Enrolled students by name. */
  @ApiProperty({ type: [CourseReportStudentDto] }) students: CourseReportStudentDto[];
  /** Every session in the range (held or not), by start time. */
  @ApiProperty({ type: [CourseReportSessionDto] }) sessions: CourseReportSessionDto[];
  @ApiProperty({ type: CourseReportSeriesDto }) series: CourseReportSeriesDto;
}

export class MyCourseRateDto extends RateCountsDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() timezone: string;
  /** Enrolled now; false for a course the student left (their figures from while enrolled stay). */
  @ApiProperty() enrolled: boolean;
  /** Enrolled now and rate below the warning threshold. */
  @ApiProperty() atRisk: boolean;
}

export class MyReportDto {
  /** All my courses together, same formula. */
  @ApiProperty({ type: RateCountsDto }) overall: RateCountsDto;
  @ApiProperty({ type: [MyCourseRateDto] }) courses: MyCourseRateDto[];
  @ApiProperty() warningThreshold: number;
  @ApiProperty({ type: String, format: 'date', nullable: true }) from: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) to: string | null;
}

export class OverviewCourseDto extends RateCountsDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  /** Enrolled students. */
  @ApiProperty() students: number;
  /** Held sessions of the course in the range (`held` is students × held sessions). */
  @ApiProperty() heldSessions: number;
  /** Students of this course below the warning threshold. */
  @ApiProperty() atRisk: number;
}

export class OverviewAtRiskDto {
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty() rate: number;
  @ApiProperty() absent: number;
  @ApiProperty() held: number;
}

export class OverviewUnclosedSessionDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
}

export class OverviewDto {
  @ApiProperty({ type: String, format: 'date', nullable: true }) from: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) to: string | null;
  @ApiProperty() warningThreshold: number;
  /** Every course, by code; counts are student × held session pairs. */
  @ApiProperty({ type: [OverviewCourseDto] }) courses: OverviewCourseDto[];
  /** Student × course pairs below the warning threshold. */
  @ApiProperty() atRiskCount: number;
  /** The 20 lowest of them. */
  @ApiProperty({ type: [OverviewAtRiskDto] }) atRisk: OverviewAtRiskDto[];
  /** Sessions that ended but were never closed (absences not recorded yet). */
  @ApiProperty() unclosedCount: number;
  /** The 20 oldest of them. */
  @ApiProperty({ type: [OverviewUnclosedSessionDto] }) unclosed: OverviewUnclosedSessionDto[];
  @ApiProperty() pendingJustifications: number;
}
