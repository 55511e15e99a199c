import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  ATTENDANCE_FLAGS,
  ATTENDANCE_SOURCES,
  ATTENDANCE_STATUSES,
  CODE_MODES,
  type AttendanceFlag,
  type AttendanceSource,
  type AttendanceStatus,
  type CodeMode,
  SESSION_STATES,
  type SessionState,
} from '@sysponto/contracts';
import { OptionalDateTime, OptionalNested, OptionalUuid } from '../../common/dto-fields.js';
import { PageMetaDto, PageNumberParam, PageParamsDto, PageSizeParam } from '../../common/pagination.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Statuses a teacher may set (pending is only reached by checking in). */
export const TEACHER_STATUSES = ['present', 'late', 'absent', 'excused'] as const;
export type TeacherStatus = (typeof TEACHER_STATUSES)[number];

// ---- codes -------------------------------------------------------------------------------------------------------

export class CreateCodeDto {
  /** fixed: one 6-character code; rotating: a code that changes every 15–30 s (for the projector / QR). */
  @ApiProperty({ enum: CODE_MODES, enumName: 'CodeMode' })
  @IsIn(CODE_MODES)
  mode: CodeMode;

  /**
   * How long the code is accepted, in minutes (1–240). Default: fixed → the course's code validity (10 by default);
   * rotating → until the session ends.
   */
  @ApiPropertyOptional({ minimum: 1, maximum: 240 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  validityMinutes?: number;
}

export class AttendanceCodeDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  /** The code to show now (rotating: the current slot's). */
  @ApiProperty({ example: 'K7M2QX' }) code: string;
  @ApiProperty({ enum: CODE_MODES, enumName: 'CodeMode' }) mode: CodeMode;
  /** When the code stops being accepted. */
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  /** Rotating mode: when the shown code changes (re-read or listen to `code.rotated`). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rotatesAt: string | null;
  /** Rotating mode: seconds per code. */
  @ApiProperty({ type: Number, nullable: true }) rotationSeconds: number | null;
  /** Link for the QR code: opening it checks the student in (source `qr`). */
  @ApiProperty({ example: 'http://localhost:3000/check-in?code=K7M2QX' }) checkInUrl: string;
}

// ---- in-room check ----------------------------------------------------------------------------------------------

/** A position from a device's browser (Geolocation API): WGS 84 degrees and the accuracy radius in metres. */
export class GeoFixDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 38.7369 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: -9.1427 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;

  /** The accuracy radius the browser reports (metres, 0–100000). */
  @ApiProperty({ minimum: 0, maximum: 100000, example: 25 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100000)
  accuracy: number;
}

/** The room's position for the in-room check: set from the teacher's device. */
export class SessionLocationDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
  /** Metres. */
  @ApiProperty() accuracy: number;
  @ApiProperty({ format: 'date-time' }) setAt: string;
}

// ---- check-in ----------------------------------------------------------------------------------------------------

export class CheckInDto {
  /** The code shown by the teacher (case, spaces and dashes are ignored). */
  @ApiProperty({ example: 'K7M2QX', minLength: 1, maxLength: 16 })
  @IsString()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9 -]{1,16}$/, { message: 'code must be 1-16 letters or digits' })
  code: string;

  /** `qr` when the student came from the QR link (recorded as the source). */
  @ApiPropertyOptional({ enum: ['code', 'qr'] })
  @IsOptional()
  @IsIn(['code', 'qr'])
  via?: 'code' | 'qr';

  /**
   * A random identifier the app keeps on this device (local storage). The server stores only a keyed hash of it that
   * differs per session, to flag one device checking in several students (`shared-device`); deleted 30 days after the
   * session.
   */
  @ApiPropertyOptional({ maxLength: 64, pattern: '^[A-Za-z0-9._:-]{1,64}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'deviceId must be 1-64 letters, digits, dots, colons or dashes' })
  deviceId?: string;

  /**
   * The device's position, only when the course's in-room check is on (policy `location.mode` not `off`). Used once
   * to decide `in-range` / `out-of-range` / `unknown` and never stored, logged or sent anywhere.
   */
  @OptionalNested(GeoFixDto)
  location?: GeoFixDto;
}

export class CheckInResultDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty() courseName: string;
  @ApiProperty({ type: String, nullable: true }) sessionTitle: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  /** pending when the course's teachers validate check-ins; otherwise present or late. */
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' }) status: AttendanceStatus;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource' }) source: AttendanceSource;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checkedInAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validatedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  /** true when this student already had a record for the session (the call changed nothing). */
  @ApiProperty() alreadyCheckedIn: boolean;
}

// ---- roster ------------------------------------------------------------------------------------------------------

export class RosterEntryDto {
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  /** null: no record yet (missing). After closing, every enrolled student has one. */
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus', nullable: true })
  status: AttendanceStatus | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checkedInAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validatedAt: string | null;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource', nullable: true })
  source: AttendanceSource | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  /**
   * Integrity flags for the teacher to review (they never block a check-in): `shared-device` (this device also checked
   * in another student of the session), `location-out-of-range`, `location-unknown` (the in-room check). Empty when none.
   */
  @ApiProperty({ enum: ATTENDANCE_FLAGS, enumName: 'AttendanceFlag', isArray: true })
  flags: AttendanceFlag[];
}

export class RosterCountsDto {
  @ApiProperty() pending: number;
  @ApiProperty() present: number;
  @ApiProperty() late: number;
  @ApiProperty() absent: number;
  @ApiProperty() excused: number;
  /** Enrolled students without a record yet. */
  @ApiProperty() missing: number;
}

export class RosterDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  /** Derived state: open from check-in opening until the end, closed once closed, otherwise scheduled. */
  @ApiProperty({ enum: SESSION_STATES, enumName: 'SessionState' }) state: SessionState;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** Check-ins after this moment are validated as late. */
  @ApiProperty({ format: 'date-time' }) lateAfter: string;
  /** Missing students first, then by name. */
  @ApiProperty({ type: [RosterEntryDto] }) items: RosterEntryDto[];
  @ApiProperty({ type: RosterCountsDto }) counts: RosterCountsDto;
  /** Enrolled students. */
  @ApiProperty() total: number;
  /** Same as counts.missing. */
  @ApiProperty() missing: number;
  /**
   * Students of the roster locked out of check-in now (too many wrong codes): the teacher can let them try again
   * (`DELETE …/attendance/:studentId/lockout`) or mark them. Live: `attendance.locked-out`, `attendance.lockout-cleared`.
   */
  @ApiProperty({ type: [String], format: 'uuid' }) lockedOut: string[];
}

export class LockoutClearedDto {
  /** Whether the student was locked out (false: nothing to clear, their count of wrong codes is reset anyway). */
  @ApiProperty() wasLockedOut: boolean;
}

export class UpdateAttendanceDto {
  @ApiProperty({ enum: TEACHER_STATUSES, enumName: 'TeacherAttendanceStatus' })
  @IsIn(TEACHER_STATUSES)
  status: TeacherStatus;

  /** Kept on the record and in the event log (reason). */
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Transform(trim)
  @MaxLength(500)
  note?: string;

  /**
   * The late rule: `present` for a student who checked in after startsAt + lateAfterMinutes is stored as `late`.
   * Set override=true to store exactly the given status.
   */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  override?: boolean;

  /**
   * For a change made offline and sent later (the SPA's offline queue): when the teacher made it, in server time
   * as the client best knows it (ISO 8601 with offset; a time in the future counts as now). The change is applied
   * only if this student's record has not changed after that moment; otherwise the later change is kept and the
   * answer is 409 `attendance/offline-conflict` with the current status in `details`. The event log notes
   * "recorded offline at …".
   */
  @OptionalDateTime()
  recordedAt?: string;
}

export class BulkUpdateResultDto {
  /** Records changed. */
  @ApiProperty() updated: number;
}

export class CloseSessionResultDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ enum: SESSION_STATES, enumName: 'SessionState' }) state: SessionState;
  @ApiProperty({ format: 'date-time' }) closedAt: string;
  /** Pending check-ins validated (present or late). */
  @ApiProperty() validated: number;
  /** Enrolled students without a record, now absent. */
  @ApiProperty() markedAbsent: number;
}

export class ReopenSessionResultDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  /** `open` while the check-in window is open (a fresh code was generated), else `scheduled` (after its end: the teacher closes it). */
  @ApiProperty({ enum: SESSION_STATES, enumName: 'SessionState' }) state: SessionState;
  @ApiProperty({ format: 'date-time' }) reopenedAt: string;
  /** The fresh code (same mode as the session's last code), or null when the check-in window is not open. */
  @ApiProperty({ type: () => AttendanceCodeDto, nullable: true }) code: AttendanceCodeDto | null;
}

// ---- event log ---------------------------------------------------------------------------------------------------

export class ListAttendanceEventsQueryDto {
  @OptionalUuid()
  studentId?: string;

  @PageNumberParam()
  page?: number;

  @PageSizeParam(200, 50)
  pageSize?: number;
}

export class AttendanceEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() studentName: string;
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus', nullable: true })
  fromStatus: AttendanceStatus | null;
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' }) toStatus: AttendanceStatus;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource' }) source: AttendanceSource;
  /** Who made the change; null for the system (auto-close). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ type: String, nullable: true }) actorName: string | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AttendanceEventPageDto extends PageMetaDto {
  /** Newest first. */
  @ApiProperty({ type: [AttendanceEventDto] }) items: AttendanceEventDto[];
}

// ---- my attendance -----------------------------------------------------------------------------------------------

export class MyAttendanceQueryDto extends PageParamsDto {
  @OptionalUuid()
  courseId?: string;

  /** Sessions starting at or after (ISO 8601). */
  @OptionalDateTime()
  from?: string;

  /** Sessions starting before (ISO 8601). */
  @OptionalDateTime()
  to?: string;

  @ApiPropertyOptional({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' })
  @IsOptional()
  @IsIn(ATTENDANCE_STATUSES)
  status?: AttendanceStatus;
}

export class MyAttendanceItemDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty() courseName: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ type: String, nullable: true }) sessionTitle: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** The record's status; `absent` for a held session without a record. */
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' }) status: AttendanceStatus;
  /** false when the status is implied (held session, no record). */
  @ApiProperty() recorded: boolean;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource', nullable: true })
  source: AttendanceSource | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checkedInAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validatedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class AttendanceRateDto {
  /** Held sessions: closed, or already ended. */
  @ApiProperty() held: number;
  @ApiProperty() present: number;
  @ApiProperty() late: number;
  /** Includes held sessions without a record. */
  @ApiProperty() absent: number;
  @ApiProperty() excused: number;
  /** Checked in, not validated yet (only until the session is closed); counts as attended. */
  @ApiProperty() pending: number;
  /** (present + late + pending) ÷ (held − excused), 0..1 (4 decimals); null when nothing counts yet. */
  @ApiProperty({ type: Number, nullable: true }) rate: number | null;
}

export class CourseAttendanceRateDto extends AttendanceRateDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty() courseName: string;
}

export class MyAttendanceDto extends PageMetaDto {
  /** Newest first: held sessions of my courses, and any session where I have a record. */
  @ApiProperty({ type: [MyAttendanceItemDto] }) items: MyAttendanceItemDto[];
  /** Over all my courses (filters and paging do not apply). */
  @ApiProperty({ type: AttendanceRateDto }) overall: AttendanceRateDto;
  @ApiProperty({ type: [CourseAttendanceRateDto] }) courses: CourseAttendanceRateDto[];
}
