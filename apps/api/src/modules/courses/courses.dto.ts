import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LOCATION_MODES, type LocationMode } from '@sysponto/contracts';
import { OptionalNested } from '../../common/dto-fields.js';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

export const COURSE_CODE_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,19}$/;
export const COURSE_RELATIONS = ['admin', 'teacher', 'student'] as const;

/**
 * The in-room check: `off` (default) asks no one for a location; `flag` records a verdict and flags check-ins that are
 * out of range or unknown for the teacher to review; `require` refuses out-of-range check-ins (403
 * `attendance/out-of-range`) and flags unknown ones. Only the verdict is stored, never a student's coordinates.
 */
export class LocationPolicyDto {
  @ApiProperty({ enum: LOCATION_MODES, enumName: 'LocationMode', default: 'off' })
  @IsIn(LOCATION_MODES)
  mode: LocationMode;

  /** How far from the teacher's anchor (after subtracting both accuracies) still counts as in the room (20–500 m). */
  @ApiProperty({ minimum: 20, maximum: 500, default: 80 })
  @IsInt()
  @Min(20)
  @Max(500)
  radiusMeters: number;
}

export class LocationPolicyInputDto {
  @ApiPropertyOptional({ enum: LOCATION_MODES, enumName: 'LocationMode', default: 'off' })
  @IsOptional()
  @IsIn(LOCATION_MODES)
  mode?: LocationMode;

  @ApiPropertyOptional({ minimum: 20, maximum: 500, default: 80 })
  @IsOptional()
  @IsInt()
  @Min(20)
  @Max(500)
  radiusMeters?: number;
}

/** Attendance policy of a course (every field bounded). */
export class CoursePolicyDto {
  /** How long a fixed attendance code stays valid (minutes, 1–240). Default 10. */
  @ApiProperty({ minimum: 1, maximum: 240, default: 10 })
  @IsInt()
  @Min(1)
  @Max(240)
  codeValidityMinutes: number;

  /** Check-ins validated later than this many minutes after the start are `late` (0–240). Default 10. */
  @ApiProperty({ minimum: 0, maximum: 240, default: 10 })
  @IsInt()
  @Min(0)
  @Max(240)
  lateAfterMinutes: number;

  /** Check-in opens this many minutes before the start (0–240). Default 15. */
  @ApiProperty({ minimum: 0, maximum: 240, default: 15 })
  @IsInt()
  @Min(0)
  @Max(240)
  checkinOpensMinutes: number;

  /** Whether check-ins wait for a teacher's validation (pending) or count at once. Default true. */
  @ApiProperty({ default: true })
  @IsBoolean()
  requiresValidation: boolean;

  /**
   * Rotating codes (and their QR) change every N seconds (5–60). Default 15. A new value applies to the next code
   * generated.
   */
  @ApiProperty({ minimum: 5, maximum: 60, default: 15 })
  @IsInt()
  @Min(5)
  @Max(60)
  rotatingIntervalSeconds: number;

  /** The previous rotating code is still accepted this many seconds into the next interval (0–10). Default 3. */
  @ApiProperty({ minimum: 0, maximum: 10, default: 3 })
  @IsInt()
  @Min(0)
  @Max(10)
  rotatingGraceSeconds: number;

  @ApiProperty({ type: LocationPolicyDto })
  @ValidateNested()
  @Type(() => LocationPolicyDto)
  location: LocationPolicyDto;
}

/** Partial policy for create/update: missing fields keep their current (or default) value. */
export class CoursePolicyInputDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 240, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  codeValidityMinutes?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 240, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(240)
  lateAfterMinutes?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 240, default: 15 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(240)
  checkinOpensMinutes?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  requiresValidation?: boolean;

  @ApiPropertyOptional({ minimum: 5, maximum: 60, default: 15 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(60)
  rotatingIntervalSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  rotatingGraceSeconds?: number;

  @OptionalNested(LocationPolicyInputDto)
  location?: LocationPolicyInputDto;
}

export class CourseTeacherDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
}

export class CourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  /** Upper-case, unique, e.g. CS101. */
  @ApiProperty({ example: 'CS101' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  /** IANA time zone of the course: session times are planned and shown in it. */
  @ApiProperty({ example: 'Europe/Lisbon' }) timezone: string;
  @ApiProperty({ type: [CourseTeacherDto] }) teachers: CourseTeacherDto[];
  @ApiProperty() enrolledCount: number;
  @ApiProperty({ type: CoursePolicyDto }) policy: CoursePolicyDto;
  /** How the caller relates to the course (admin, one of its teachers, an enrolled student). */
  @ApiProperty({ enum: COURSE_RELATIONS, enumName: 'CourseRelation' }) relation: (typeof COURSE_RELATIONS)[number];
  /** Self-enrollment code; only for the course's teachers and admins (absent for students). */
  @ApiPropertyOptional({ type: String, nullable: true }) joinCode?: string | null;
  /** Whether the join code currently works; only for staff. */
  @ApiPropertyOptional() joinCodeEnabled?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CoursePageDto extends PageMetaDto {
  @ApiProperty({ type: [CourseDto] }) items: CourseDto[];
}

export class ListCoursesQueryDto extends PageQueryDto {}

export class CreateCourseDto {
  /** Upper-cased; 1–20 letters, digits, dots, dashes, underscores; unique (409 `courses/code-taken`). */
  @ApiProperty({ maxLength: 20, pattern: COURSE_CODE_PATTERN.source, example: 'CS101' })
  @Transform(upper)
  @IsString()
  @Matches(COURSE_CODE_PATTERN, { message: 'code must be 1-20 letters, digits, dots, dashes or underscores' })
  code: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  /** IANA time zone, e.g. Europe/Lisbon (400 `courses/invalid-timezone` when unknown). */
  @ApiProperty({ maxLength: 64, example: 'Europe/Lisbon' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  timezone: string;

  /** Teachers of the course (users with the teacher role). */
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  teacherIds?: string[];

  @OptionalNested(CoursePolicyInputDto)
  policy?: CoursePolicyInputDto;
}

/**
 * Every field of {@link CreateCourseDto}, each optional. Teachers of the course may change name, description,
 * timezone and policy; only admins may change code and teacherIds (403 `courses/admin-only-fields`). `teacherIds`
 * replaces the whole set of teachers. Changing the zone keeps every session's instant (sessions are stored as
 * instants, not local times).
 */
export class UpdateCourseDto extends PartialType(CreateCourseDto) {}

export class DeleteCourseQueryDto {
  /** true: also erase the course's attendance records and justifications (otherwise 409 `courses/has-attendance`). */
  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  force?: boolean;
}

export class JoinCodeStateDto {
  /** false disables self-enrollment with the code (the code is kept). */
  @ApiProperty()
  @IsBoolean()
  enabled: boolean;
}

export class JoinCourseDto {
  /** The course's join code (case and spaces/dashes ignored). */
  @ApiProperty({ minLength: 1, maxLength: 32, example: 'PRGCS234' })
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/[\s-]/g, '').toUpperCase() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  joinCode: string;
}

export class JoinResultDto {
  @ApiProperty({ type: CourseDto }) course: CourseDto;
  /** true when the student was already enrolled (joining is idempotent). */
  @ApiProperty() alreadyEnrolled: boolean;
}
