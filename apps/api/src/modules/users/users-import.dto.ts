import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

export const USERS_IMPORT_MODES = ['all', 'valid'] as const;
export type UsersImportMode = (typeof USERS_IMPORT_MODES)[number];

export class UsersImportQueryDto {
  /** true (default): only check and report, write nothing. false: import (see `mode`). */
  @ApiPropertyOptional({ type: Boolean, default: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dryRun?: boolean;

  /**
   * all (default): every row or, if any is invalid, nothing. valid: the valid rows only; the others are reported
   * (and in `rejectedCsv`) and not written.
   */
  @ApiPropertyOptional({ enum: USERS_IMPORT_MODES, enumName: 'UsersImportMode', default: 'all' })
  @IsOptional()
  @IsIn(USERS_IMPORT_MODES)
  mode?: UsersImportMode;
}

export class ImportRowErrorDto {
  /** The column (email, full name, role, student number, courses) or "row". */
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class ImportLineErrorDto extends ImportRowErrorDto {
  /** Line in the file (1 = the header). */
  @ApiProperty() line: number;
}

export class ImportRowDto {
  @ApiProperty() line: number;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty() role: string;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  /** Course codes the student is enrolled in. */
  @ApiProperty({ type: [String] }) courses: string[];
  @ApiProperty({ type: [ImportRowErrorDto] }) errors: ImportRowErrorDto[];
  /** Real run: the new user's id. */
  @ApiPropertyOptional({ format: 'uuid' }) userId?: string;
  /** Real run: the one-time temporary password (shown once; the user must change it at first login). */
  @ApiPropertyOptional() temporaryPassword?: string;
}

export class UsersImportReportDto {
  @ApiProperty() dryRun: boolean;
  /** true when the users were written (a real run without errors). */
  @ApiProperty() imported: boolean;
  @ApiProperty() totalRows: number;
  @ApiProperty() validRows: number;
  @ApiProperty() invalidRows: number;
  /** Users created (0 in a dry run). */
  @ApiProperty() created: number;
  /** Enrollments created (or, in a dry run, that would be). */
  @ApiProperty() enrollments: number;
  /** Every error, flat: line, field, reason. */
  @ApiProperty({ type: [ImportLineErrorDto] }) errors: ImportLineErrorDto[];
  @ApiProperty({ type: [ImportRowDto] }) rows: ImportRowDto[];
  /**
   * The invalid rows as CSV (UTF-8 with a BOM): email, full name, role, student number, courses and `error` (each of
   * the row's problems, "field: reason", separated by "; "). Fixed, the file imports as it is (`error` is ignored).
   * Null when every row is valid.
   */
  @ApiProperty({ type: String, nullable: true }) rejectedCsv: string | null;
}
