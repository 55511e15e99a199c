import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { OptionalDateTime } from '../../common/dto-fields.js';
import { API_KEY_SCOPES, type ApiKeyScope } from './api-key-scopes.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiKeyDto {
  /** What the key is for (e.g. "SIS nightly sync"). */
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @Transform(trim)
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];

  /** When the key stops working (default: never). */
  @OptionalDateTime()
  expiresAt?: string;
}

export class ApiKeyOwnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', isArray: true }) scopes: ApiKeyScope[];
  /** The token's first characters, to recognise the key. */
  @ApiProperty({ example: 'spk_AbCd1234' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  /** When the key was last used (updated at most once a minute). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: string | null;
  /** Admins' list: who owns the key (it acts as them). */
  @ApiPropertyOptional({ type: ApiKeyOwnerDto }) owner?: ApiKeyOwnerDto;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** The key (`spk_…`), shown only in this answer: store it now. Send it as `Authorization: Bearer spk_…`. */
  @ApiProperty({ type: String, nullable: true }) token: string | null;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
}
