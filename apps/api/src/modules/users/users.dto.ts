import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { USER_ROLES, type UserRole } from '@sysponto/contracts';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import type { UserView } from './users.queries.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** A password being set: PASSWORD_MIN to PASSWORD_MAX characters (the rules apply bottom-up, as a written stack). */
export const NewPassword = ({ optional = false } = {}) => {
  const length = { minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX };
  const rules = [MaxLength(PASSWORD_MAX), MinLength(PASSWORD_MIN), IsString()];
  return optional
    ? applyDecorators(...rules, IsOptional(), ApiPropertyOptional(length))
    : applyDecorators(...rules, ApiProperty(length));
};

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' }) role: UserRole;
  @ApiProperty() active: boolean;
  /** True while the user still has to replace a temporary password. */
  @ApiProperty() mustChangePassword: boolean;
  @ApiProperty({ type: String, nullable: true }) studentNumber: string | null;
  @ApiProperty({ enum: ['en', 'pt'] }) locale: string;
  /** Receives the daily email digest of pending justifications (teachers). */
  @ApiProperty() digestOptIn: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toUserDto(u: UserView): UserDto {
  return {
    id: u.id,
    email: u.email,
    fullName: u.fullName,
    role: u.role,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    studentNumber: u.studentNumber,
    locale: u.locale,
    digestOptIn: u.digestOptIn,
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
}

export class DeleteUserQueryDto {
  /**
   * A user with attendance history, justifications or taught sessions is not deleted (409 `users/has-history`):
   * `true` keeps their records under an anonymous name instead (email, name and student number scrubbed, signed out,
   * cannot sign in). Ignored for a user without history (deleted).
   */
  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  anonymize?: boolean;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** Filter by active flag. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 120 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  fullName: string;

  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsIn(USER_ROLES)
  role: UserRole;

  /** Optional. Without it a one-time temporary password is generated, returned once, and must be changed at first login. */
  @NewPassword({ optional: true })
  password?: string;

  @ApiPropertyOptional({ maxLength: 32, pattern: '^[A-Za-z0-9._-]+$' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, {
    message: 'studentNumber must be 1-32 letters, digits, dots, dashes or underscores',
  })
  studentNumber?: string;
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  /** Present only when the password was generated: show it once to the admin. */
  @ApiPropertyOptional() temporaryPassword?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @IsOptional()
  @Transform(lower)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  fullName?: string;

  @ApiPropertyOptional({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** false deactivates the account: it can no longer sign in and its sessions are revoked. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32 })
  @IsOptional()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, {
    message: 'studentNumber must be 1-32 letters, digits, dots, dashes or underscores',
  })
  studentNumber?: string | null;

  /** Sets a new password (and asks the user to change it at next login). */
  @NewPassword({ optional: true })
  password?: string;
}

/** Absent means "unchanged"; null is not absent (the columns are NOT NULL): it is validated, and refused. */
const present = (_: object, v: unknown) => v !== undefined;

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  fullName?: string;

  @ApiPropertyOptional({ enum: ['en', 'pt'] })
  @ValidateIf(present)
  @IsIn(['en', 'pt'])
  locale?: string;

  /** Teachers: get a daily email digest of the justifications waiting for review (needs mail to be configured). */
  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsBoolean()
  digestOptIn?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_MAX })
  @IsString()
  @MaxLength(PASSWORD_MAX)
  currentPassword: string;

  @NewPassword()
  newPassword: string;
}
