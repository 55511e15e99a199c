import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import {
  ATTENDANCE_STATUSES,
  type AttendanceStatus,
  JUSTIFICATION_STATUSES,
  JUSTIFICATION_TYPES,
  type JustificationStatus,
  type JustificationType,
} from '@sysponto/contracts';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import type { AttendanceRecordEntity } from '../attendance/attendance-record.entity.js';
import type { CourseEntity } from '../courses/course.entity.js';
import type { ClassSessionEntity } from '../sessions/class-session.entity.js';
import type { UserEntity } from '../users/user.entity.js';
import type { JustificationEntity } from './justification.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const REASON_MAX = 1000;
export const COMMENT_MAX = 1000;

/** The text fields of the filing form (multipart/form-data, or JSON when there is no document). */
export class CreateJustificationDto {
  /** The class session being justified (a session of one of your courses). */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'sessionId must be a UUID' })
  sessionId: string;

  /** absence: you missed the session; late: you arrived late. */
  @ApiProperty({ enum: JUSTIFICATION_TYPES, enumName: 'JustificationType' })
  @IsIn(JUSTIFICATION_TYPES)
  type: JustificationType;

  @ApiProperty({ minLength: 1, maxLength: REASON_MAX })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(REASON_MAX)
  reason: string;
}

/** The multipart form as documented in OpenAPI: the fields above plus the optional document. */
export class CreateJustificationFormDto extends CreateJustificationDto {
  /** Optional PDF, PNG or JPEG (checked by content), at most 5 MB. */
  @ApiPropertyOptional({ type: 'string', format: 'binary' })
  document?: unknown;
}

export class JustificationDocumentDto {
  /** Sanitised original file name. */
  @ApiProperty() name: string;
  /** Detected MIME type: application/pdf, image/png or image/jpeg. */
  @ApiProperty({ enum: ['application/pdf', 'image/png', 'image/jpeg'] }) type: string;
  /** Bytes. */
  @ApiProperty() size: number;
}

export class JustificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() courseCode: string;
  @ApiProperty() courseName: string;
  /** IANA time zone of the course (show session times in it). */
  @ApiProperty() timezone: string;
  @ApiProperty({ type: String, nullable: true }) sessionTitle: string | null;
  @ApiProperty({ format: 'date-time' }) sessionStartsAt: string;
  @ApiProperty({ format: 'date-time' }) sessionEndsAt: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() studentName: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  @ApiProperty({ enum: JUSTIFICATION_TYPES, enumName: 'JustificationType' }) type: JustificationType;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: JUSTIFICATION_STATUSES, enumName: 'JustificationStatus' }) status: JustificationStatus;
  /** The uploaded document (download it from /api/justifications/{id}/document), or null. */
  @ApiProperty({ type: JustificationDocumentDto, nullable: true }) document: JustificationDocumentDto | null;
  /** The student's current attendance status for the session (null: no record yet). */
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus', nullable: true })
  attendanceStatus: AttendanceStatus | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) reviewerId: string | null;
  @ApiProperty({ type: String, nullable: true }) reviewerName: string | null;
  @ApiProperty({ type: String, nullable: true }) reviewComment: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reviewedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class JustificationPageDto extends PageMetaDto {
  @ApiProperty({ type: [JustificationDto] }) items: JustificationDto[];
}

export class ListJustificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JUSTIFICATION_STATUSES, enumName: 'JustificationStatus' })
  @IsOptional()
  @IsIn(JUSTIFICATION_STATUSES)
  status?: JustificationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'courseId must be a UUID' })
  courseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'sessionId must be a UUID' })
  sessionId?: string;
}

export const REVIEW_DECISIONS = ['approved', 'rejected'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export class ReviewJustificationDto {
  /** approved: an absence becomes excused, a late arrival present; rejected: the record stays as it is. */
  @ApiProperty({ enum: REVIEW_DECISIONS, enumName: 'ReviewDecision' })
  @IsIn(REVIEW_DECISIONS)
  decision: ReviewDecision;

  /** Shown to the student. */
  @ApiPropertyOptional({ maxLength: COMMENT_MAX })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(COMMENT_MAX)
  comment?: string;
}

/**
 * A justification with what its DTO shows, as JustificationsService loads it: the session and its course, the
 * student, the reviewer and the attendance record (absent when the student has none).
 */
export type JustificationView = JustificationEntity & {
  session: ClassSessionEntity & { course: CourseEntity };
  student: UserEntity;
  reviewer: UserEntity | null;
  attendance: AttendanceRecordEntity | null;
};

export function toJustificationDto(j: JustificationView): JustificationDto {
  const { session, student } = j;
  return {
    id: j.id,
    sessionId: j.sessionId,
    courseId: session.courseId,
    courseCode: session.course.code,
    courseName: session.course.name,
    timezone: session.course.timezone,
    sessionTitle: session.title,
    sessionStartsAt: session.startsAt.toISOString(),
    sessionEndsAt: session.endsAt.toISOString(),
    studentId: j.studentId,
    studentName: student.fullName,
    studentNumber: student.studentNumber,
    type: j.type,
    reason: j.reason,
    status: j.status,
    document: j.documentKey
      ? {
          name: j.documentName ?? 'document',
          type: j.documentType ?? 'application/octet-stream',
          size: j.documentSize ?? 0,
        }
      : null,
    attendanceStatus: j.attendance?.status ?? null,
    reviewerId: j.reviewerId,
    reviewerName: j.reviewer?.fullName ?? null,
    reviewComment: j.reviewComment,
    reviewedAt: j.reviewedAt ? j.reviewedAt.toISOString() : null,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  };
}
