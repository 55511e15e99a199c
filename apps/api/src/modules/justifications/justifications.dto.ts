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

/** A row of the shared SELECT (see JustificationsService). */
export interface JustificationRow {
  id: string;
  session_id: string;
  course_id: string;
  course_code: string;
  course_name: string;
  timezone: string;
  session_title: string | null;
  starts_at: Date | string;
  ends_at: Date | string;
  student_id: string;
  student_name: string;
  student_number: string | null;
  type: JustificationType;
  reason: string;
  status: JustificationStatus;
  document_key: string | null;
  document_name: string | null;
  document_type: string | null;
  document_size: number | null;
  attendance_status: AttendanceStatus | null;
  reviewer_id: string | null;
  reviewer_name: string | null;
  review_comment: string | null;
  reviewed_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toJustificationDto(r: JustificationRow): JustificationDto {
  return {
    id: r.id,
    sessionId: r.session_id,
    courseId: r.course_id,
    courseCode: r.course_code,
    courseName: r.course_name,
    timezone: r.timezone,
    sessionTitle: r.session_title,
    sessionStartsAt: iso(r.starts_at),
    sessionEndsAt: iso(r.ends_at),
    studentId: r.student_id,
    studentName: r.student_name,
    studentNumber: r.student_number,
    type: r.type,
    reason: r.reason,
    status: r.status,
    document: r.document_key
      ? {
          name: r.document_name ?? 'document',
          type: r.document_type ?? 'application/octet-stream',
          size: r.document_size ?? 0,
        }
      : null,
    attendanceStatus: r.attendance_status,
    reviewerId: r.reviewer_id,
    reviewerName: r.reviewer_name,
    reviewComment: r.review_comment,
    reviewedAt: r.reviewed_at ? iso(r.reviewed_at) : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
