import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OptionalDateTime, OptionalUuid } from '../../common/dto-fields.js';
import { PageMetaDto, PageParamsDto } from '../../common/pagination.js';

export class AuditFilterDto {
  /** The actor: a user id, or an email (exact, case-insensitive). */
  @ApiPropertyOptional({ maxLength: 254, example: 'admin@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  actor?: string;

  /** An action (`user.updated`), or a target type alone (`user`) for all of its actions. */
  @ApiPropertyOptional({ maxLength: 64, example: 'user.updated' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/, { message: 'action must look like user.updated or user' })
  action?: string;

  @ApiPropertyOptional({ maxLength: 40, example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'targetType must be a kebab-case name' })
  targetType?: string;

  @OptionalUuid()
  targetId?: string;

  /** Events at or after this instant (ISO 8601). */
  @OptionalDateTime()
  from?: string;

  /** Events before this instant (ISO 8601). */
  @OptionalDateTime()
  to?: string;
}

/** The filters plus `page`/`pageSize` (validation and docs of both are inherited). */
export class ListAuditEventsQueryDto extends IntersectionType(AuditFilterDto, PageParamsDto) {}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  /** Null for anonymous actions (a failed sign-in) and the system. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  /** The actor's current name and email (null when the actor is unknown or was deleted). */
  @ApiProperty({ type: String, nullable: true }) actorName: string | null;
  @ApiProperty({ type: String, nullable: true }) actorEmail: string | null;
  /** `<target-type>.<past-tense-verb>`, e.g. `user.updated`. */
  @ApiProperty({ example: 'user.updated' }) action: string;
  @ApiProperty({ example: 'user' }) targetType: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) targetId: string | null;
  /** What changed (never a secret), e.g. `{ "changes": { "role": { "from": "teacher", "to": "admin" } } }`. */
  @ApiProperty({ type: 'object', additionalProperties: true }) summary: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
}

export class AuditEventPageDto extends PageMetaDto {
  /** Newest first. */
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
}
