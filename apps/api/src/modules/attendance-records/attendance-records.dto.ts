import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  ATTENDANCE_SOURCES,
  ATTENDANCE_STATUSES,
  type AttendanceSource,
  type AttendanceStatus,
} from '@sysponto/contracts';
import { OptionalDateTime, OptionalUuid } from '../../common/dto-fields.js';

export class AttendanceRecordChangesQueryDto {
  @OptionalUuid()
  courseId?: string;

  @OptionalUuid()
  sessionId?: string;

  @OptionalUuid()
  studentId?: string;

  /** Only records changed at or after this instant (for a first sync; then follow `nextCursor`). */
  @OptionalDateTime()
  updatedSince?: string;

  /** The `nextCursor` of the previous page (opaque). Keep the same filters while following it. */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AttendanceRecordChangeDto {
  /** Stable id of the record (one per session and student). */
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' }) status: AttendanceStatus;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource' }) source: AttendanceSource;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) checkedInAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validatedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) validatedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  /** When the record last changed. */
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AttendanceRecordChangesDto {
  /** Changed records, oldest change first; a record changed again appears again, later. */
  @ApiProperty({ type: [AttendanceRecordChangeDto] }) items: AttendanceRecordChangeDto[];
  /** Store it and send it as `cursor` next time: never null, also when the page is empty. */
  @ApiProperty() nextCursor: string;
  /** True when more changes are ready now (fetch the next page at once); false: poll later. */
  @ApiProperty() hasMore: boolean;
}
