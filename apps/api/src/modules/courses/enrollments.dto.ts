import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
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
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
}

export class EnrollmentPageDto extends PageMetaDto {
  @ApiProperty({ type: [EnrollmentDto] }) items: EnrollmentDto[];
}

/** Search by name, email or student number; sorted by name. */
export class ListEnrollmentsQueryDto extends PageQueryDto {}

export class EnrollStudentsDto {
  /** Students to enroll (1–1000). Already enrolled ids are not an error; users who are not students are refused (400 `courses/not-students`, details.ids). */
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class EnrollResultDto {
  /** The enrollments of every requested student (new and existing), sorted by name. */
  @ApiProperty({ type: [EnrollmentDto] }) items: EnrollmentDto[];
  /** How many were newly enrolled. */
  @ApiProperty() added: number;
  @ApiPropertyOptional({ description: 'Ids that were already enrolled.', type: [String] }) alreadyEnrolled?: string[];
}
