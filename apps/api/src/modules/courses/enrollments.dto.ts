import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { OptionalDateTime } from '../../common/dto-fields.js';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

export const ENROLLMENT_SOURCES = ['admin', 'teacher', 'join-code', 'import'] as const;

export class EnrollmentDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ format: 'uuid' }) studentId: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  /** How the student was enrolled. */
  @ApiProperty({ enum: ENROLLMENT_SOURCES, enumName: 'EnrollmentSource' }) source: string;
  /** Start of this enrollment: the student is expected at sessions that start from here on. */
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  /** When the student was unenrolled (this enrollment ended); null while enrolled. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt: string | null;
}

export class EnrollmentPageDto extends PageMetaDto {
  @ApiProperty({ type: [EnrollmentDto] }) items: EnrollmentDto[];
}

/** Search by name, email or student number; sorted by name. */
export class ListEnrollmentsQueryDto extends PageQueryDto {
  /** true: also the enrollments that ended (students who left, one row per enrollment), newest first per student. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeEnded?: boolean;
}

export class EnrollStudentsDto {
  /** Students to enroll (1–1000). Already enrolled ids are not an error; users who are not students are refused (400 `courses/not-students`, details.ids). */
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  studentIds: string[];

  /**
   * Enrolled since (ISO 8601 with offset; default now, never later than now): the students are expected at sessions
   * that start from then on — set it to the term's start for students who attended from the beginning but are added
   * late. Does not change students already enrolled.
   */
  @OptionalDateTime()
  enrolledAt?: string;
}

export class EnrollResultDto {
  /** The enrollments of every requested student (new and existing), sorted by name. */
  @ApiProperty({ type: [EnrollmentDto] }) items: EnrollmentDto[];
  /** How many were newly enrolled. */
  @ApiProperty() added: number;
  @ApiPropertyOptional({ description: 'Ids that were already enrolled.', type: [String] }) alreadyEnrolled?: string[];
}
