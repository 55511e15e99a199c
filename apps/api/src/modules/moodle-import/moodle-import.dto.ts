import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { MAPPABLE_STATUSES } from './moodle-attendance.format.js';

export class MoodleImportQueryDto {
  /** true (default): only check and preview, write nothing. false: import everything or nothing. */
  @ApiPropertyOptional({ type: Boolean, default: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;

  /**
   * Status acronym → status, e.g. `P=present,L=late,E=excused,A=absent` (the default, Moodle's default statuses).
   * Acronyms not named keep their default; an acronym mapped to nothing is a problem on every cell that uses it.
   */
  @ApiPropertyOptional({ example: 'P=present,L=late,E=excused,A=absent' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  mapping?: string;

  /** Length of each imported session (Moodle's export gives only the start). */
  @ApiPropertyOptional({ type: 'integer', minimum: 5, maximum: 720, default: 60 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(720)
  durationMinutes?: number;

  /** The IANA zone the session times in the file are in (default: the course's timezone). */
  @ApiPropertyOptional({ example: 'Europe/Lisbon' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class MoodleImportProblemDto {
  /** Line of the file (the header's line for a session's problem). */
  @ApiProperty() line: number;
  /** The column: `email`, `id number`, `student`, or a session's header. */
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class MoodleImportRowProblemDto {
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class MoodleImportMappingDto {
  @ApiProperty({ example: 'P' }) acronym: string;
  @ApiProperty({ enum: MAPPABLE_STATUSES, enumName: 'MoodleImportStatus' }) status: (typeof MAPPABLE_STATUSES)[number];
}

export class MoodleImportStatusCountsDto {
  @ApiProperty() present: number;
  @ApiProperty() late: number;
  @ApiProperty() excused: number;
  @ApiProperty() absent: number;
}

export class MoodleImportSessionDto {
  /** The column's header as written in the file. */
  @ApiProperty({ example: '5 Oct 2026 9.00AM All students' }) header: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  /** The session's group and description from the header (null for a common session without one). */
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  /** Statuses to import into this session. */
  @ApiProperty() records: number;
  /** true when no student has a status in it (not taken in Moodle): it is not created. */
  @ApiProperty() skipped: boolean;
  @ApiProperty({ type: [String] }) problems: string[];
  /** Real run: the created session's id. */
  @ApiPropertyOptional({ format: 'uuid' }) sessionId?: string;
}

export class MoodleImportRowDto {
  @ApiProperty() line: number;
  @ApiProperty() lastName: string;
  @ApiProperty() firstName: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) idNumber: string | null;
  /** The SysPonto student matched by email or ID number (student number). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) studentId: string | null;
  @ApiProperty({ type: String, nullable: true }) fullName: string | null;
  /** Statuses of this student to import. */
  @ApiProperty() records: number;
  @ApiProperty({ type: [MoodleImportRowProblemDto] }) problems: MoodleImportRowProblemDto[];
}

export class MoodleImportReportDto {
  @ApiProperty() dryRun: boolean;
  /** true when the sessions and records were written (a real run without problems). */
  @ApiProperty() imported: boolean;
  /** The `Course` and `Group` lines of the export, to check it is the right file. */
  @ApiProperty({ type: String, nullable: true }) fileCourse: string | null;
  @ApiProperty({ type: String, nullable: true }) fileGroup: string | null;
  /** The zone the file's times were read in. */
  @ApiProperty() timezone: string;
  @ApiProperty({ type: [MoodleImportMappingDto] }) mapping: MoodleImportMappingDto[];
  @ApiProperty() totalRows: number;
  @ApiProperty() validRows: number;
  @ApiProperty() invalidRows: number;
  /** Sessions to create (created, in a real run), records likewise, and the records by status. */
  @ApiProperty() sessionsToCreate: number;
  @ApiProperty() recordsToCreate: number;
  @ApiProperty({ type: MoodleImportStatusCountsDto }) byStatus: MoodleImportStatusCountsDto;
  /** Enrollments whose start moves back to the student's first imported session (so the rates count them). */
  @ApiProperty() enrollmentsBackdated: number;
  /** Every problem, flat (rows' and sessions'): a real run imports only when there is none. */
  @ApiProperty({ type: [MoodleImportProblemDto] }) problems: MoodleImportProblemDto[];
  @ApiProperty({ type: [MoodleImportSessionDto] }) sessions: MoodleImportSessionDto[];
  @ApiProperty({ type: [MoodleImportRowDto] }) rows: MoodleImportRowDto[];
}
