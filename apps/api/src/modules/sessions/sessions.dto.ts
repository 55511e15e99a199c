import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ATTENDANCE_STATUSES,
  JUSTIFICATION_STATUSES,
  SESSION_STATES,
  type AttendanceStatus,
  type JustificationStatus,
  type SessionState,
} from '@sysponto/contracts';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm): never a naive local time. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** A date-time with offset, or a plain date (read as 00:00 UTC). */
export const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** A string that is an INSTANT and a real date-time. */
const IsInstant = () =>
  applyDecorators(
    IsISO8601({ strict: true }),
    Matches(INSTANT, { message: '$property must be an ISO 8601 date-time with offset' }),
    IsString(),
  );
/** A string that is an INSTANT_OR_DATE and a real date (-time). */
const IsInstantOrDate = () =>
  applyDecorators(
    IsISO8601({ strict: true }),
    Matches(INSTANT_OR_DATE, { message: '$property must be an ISO 8601 date or date-time with offset' }),
    IsString(),
  );
/** A session's optional title (≤ 200 characters); empty or null clears it. */
const SessionTitle = () =>
  applyDecorators(
    MaxLength(200),
    IsString(),
    Transform(emptyToNull),
    IsOptional(),
    ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 }),
  );
/** A session's optional room (≤ 100 characters); empty or null clears it. */
const SessionRoom = () =>
  applyDecorators(
    MaxLength(100),
    IsString(),
    Transform(emptyToNull),
    IsOptional(),
    ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 }),
  );
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const SESSION_SCOPES = ['one', 'following'] as const;
export type SessionScope = (typeof SESSION_SCOPES)[number];

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'CS101' }) courseCode: string;
  @ApiProperty() courseName: string;
  /** The course's IANA time zone: show times in it. */
  @ApiProperty({ example: 'Europe/Lisbon' }) timezone: string;
  /** Shared by the sessions created together as a weekly series; null for a single session. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) seriesId: string | null;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ type: String, nullable: true }) room: string | null;
  /** ISO 8601 with the course zone's offset, e.g. 2026-03-30T09:00:00.000+01:00. */
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** When check-in opens (startsAt − the course's checkinOpensMinutes). */
  @ApiProperty({ format: 'date-time' }) checkinOpensAt: string;
  /**
   * Derived: `closed` once closed, `cancelled` once cancelled (never held, never counted); `open` from
   * checkinOpensAt until endsAt; otherwise `scheduled` (also after the end until the session is closed).
   */
  @ApiProperty({ enum: SESSION_STATES, enumName: 'SessionState' }) state: SessionState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  /** When it was cancelled (state `cancelled`); null otherwise. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt: string | null;
  /** Why it was cancelled, as the teacher wrote it. */
  @ApiProperty({ type: String, nullable: true }) cancelReason: string | null;
}

export class CancelSessionDto {
  /** Why (shown to the students and in the calendar), 1–500 characters. */
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Teacher ill' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class SessionPageDto extends PageMetaDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
}

export class SkippedDateDto {
  @ApiProperty({ format: 'date' }) date: string;
  /** exception: one of the series' exceptDates; holiday: a holiday of the school calendar. */
  @ApiProperty({ enum: ['exception', 'holiday'] }) reason: 'exception' | 'holiday';
  /** The holiday's name (null for an exception date). */
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
}

/** The sessions a weekly series created, and the dates of its range it skipped. */
export class CreatedSeriesDto extends SessionListDto {
  @ApiProperty({ type: [SkippedDateDto] }) skipped: SkippedDateDto[];
}

/** A session of my calendar, with where I stand in it (students; staff get nulls and false). */
export class MySessionDto extends SessionDto {
  /** My attendance record's status: `pending` is checked in, awaiting validation; null when I have none yet. */
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus', nullable: true })
  myStatus: AttendanceStatus | null;
  /** My live (not withdrawn) justification's status for it; null when none. */
  @ApiProperty({ enum: JUSTIFICATION_STATUSES, enumName: 'JustificationStatus', nullable: true })
  myJustification: JustificationStatus | null;
  /** Whether I can file a justification for it now (same rule as POST /api/justifications). */
  @ApiProperty() canJustify: boolean;
}

export class MySessionsDto {
  @ApiProperty({ type: [MySessionDto] }) items: MySessionDto[];
  /** true when the range held more than 2000 sessions and only the first 2000 are listed. */
  @ApiProperty() truncated: boolean;
}

export class DeletedSessionsDto {
  /** How many sessions were deleted. */
  @ApiProperty() deleted: number;
  @ApiProperty({ type: [String], format: 'uuid' }) ids: string[];
}

export class WeeklySeriesDto {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  @ApiProperty({
    type: [Number],
    minItems: 1,
    maxItems: 7,
    example: [1, 3],
    items: { type: 'integer', minimum: 1, maximum: 7 },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays: number[];

  /** Local start time in the course's zone, "HH:mm". */
  @ApiProperty({ pattern: TIME.source, example: '09:00' })
  @IsString()
  @Matches(TIME, { message: 'startTime must be HH:mm' })
  startTime: string;

  /** Local end time, "HH:mm", after startTime on the same day (at most 12 hours later). */
  @ApiProperty({ pattern: TIME.source, example: '10:30' })
  @IsString()
  @Matches(TIME, { message: 'endTime must be HH:mm' })
  endTime: string;

  /** First local date, inclusive. */
  @ApiProperty({ format: 'date', example: '2026-09-15' })
  @IsString()
  @Matches(DATE, { message: 'from must be YYYY-MM-DD' })
  from: string;

  /** Last local date, inclusive. */
  @ApiProperty({ format: 'date', example: '2026-12-19' })
  @IsString()
  @Matches(DATE, { message: 'to must be YYYY-MM-DD' })
  to: string;

  /** Local dates (course time zone) the series skips, besides the school's holidays (`GET /api/holidays`). */
  @ApiPropertyOptional({
    type: [String],
    maxItems: 400,
    example: ['2026-11-02'],
    items: { type: 'string', format: 'date' },
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(DATE, { each: true, message: 'each exceptDates entry must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { each: true, message: 'each exceptDates entry must be a valid date' })
  exceptDates?: string[];
}

/**
 * Either one session (startsAt + endsAt) or a weekly series (series), with an optional title and room for all.
 * Sessions may lie in the past and may overlap.
 */
@ApiExtraModels(WeeklySeriesDto)
export class CreateSessionsDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'One session: its start, ISO 8601 with offset.' })
  @IsOptional()
  @IsInstant()
  startsAt?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'One session: its end (after startsAt, at most 12 hours later).',
  })
  @IsOptional()
  @IsInstant()
  endsAt?: string;

  @ApiPropertyOptional({
    type: WeeklySeriesDto,
    description: 'A weekly series in the course time zone (DST-safe), at most 400 sessions.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => WeeklySeriesDto)
  series?: WeeklySeriesDto;

  @SessionTitle()
  title?: string | null;

  @SessionRoom()
  room?: string | null;
}

export class UpdateSessionDto {
  /** null clears it. */
  @SessionTitle()
  title?: string | null;

  @SessionRoom()
  room?: string | null;

  /** New start instant (scope=one only). */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsInstant()
  startsAt?: string;

  /** New end instant (scope=one only). */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsInstant()
  endsAt?: string;

  /** New local start time "HH:mm" in the course zone, applied on each session's own date (any scope). */
  @ApiPropertyOptional({ pattern: TIME.source, example: '10:00' })
  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'startTime must be HH:mm' })
  startTime?: string;

  /** New local end time "HH:mm" in the course zone, applied on each session's own date (any scope). */
  @ApiPropertyOptional({ pattern: TIME.source, example: '11:30' })
  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'endTime must be HH:mm' })
  endTime?: string;
}

export class SessionScopeQueryDto {
  /** one: this session only (default); following: this session and the later, not yet closed sessions of its series. */
  @ApiPropertyOptional({ enum: SESSION_SCOPES, enumName: 'SessionScope', default: 'one' })
  @IsOptional()
  @IsIn(SESSION_SCOPES)
  scope?: SessionScope;
}

/** Sessions overlapping [from, to); search matches title or room; sorted by start. */
export class ListCourseSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601 date-time with offset, or a date (00:00 UTC).', example: '2026-09-01' })
  @IsOptional()
  @IsInstantOrDate()
  from?: string;

  @ApiPropertyOptional({
    description: 'ISO 8601 date-time with offset, or a date (00:00 UTC); exclusive.',
    example: '2026-12-31',
  })
  @IsOptional()
  @IsInstantOrDate()
  to?: string;
}

/** A range of at most 366 days: sessions overlapping [from, to). */
export class MySessionsQueryDto {
  @ApiProperty({ description: 'ISO 8601 date-time with offset, or a date (00:00 UTC).', example: '2026-09-01' })
  @IsInstantOrDate()
  from: string;

  @ApiProperty({
    description: 'ISO 8601 date-time with offset, or a date (00:00 UTC); exclusive.',
    example: '2026-10-01',
  })
  @IsInstantOrDate()
  to: string;
}
