import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NewPassword, UserDto } from '../users/users.dto.js';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'admin@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  email: string;

  @ApiProperty({ maxLength: 128, example: 'sysponto-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class RefreshDto {
  /** For API clients; browsers send the httpOnly cookie instead. */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class AuthTokensDto {
  /** Short-lived JWT for `Authorization: Bearer`. */
  @ApiProperty() accessToken: string;
  /** Seconds until the access token expires. */
  @ApiProperty() expiresIn: number;
  /** Rotating refresh token (also set as an httpOnly cookie). Each use returns a new one; reusing an old one signs out the whole login. */
  @ApiProperty() refreshToken: string;
  @ApiProperty({ type: UserDto }) user: UserDto;
}

export class PasswordResetRequestDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'student1@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirmDto {
  /** The token from the mailed link (`/reset-password?token=…`). */
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  token: string;

  @NewPassword()
  password: string;
}

export class PasswordResetSentDto {
  /** When the mailed link stops working. */
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}
