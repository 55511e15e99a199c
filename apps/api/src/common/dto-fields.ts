import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsOptional, IsUUID, ValidateNested } from 'class-validator';

/**
 * Decorators for the request fields that recur across the DTOs: the OpenAPI entry and the validation rules of one kind
 * of field, declared once. Rules are applied in the order a stack written above the property applies them (bottom-up),
 * so a field's errors and their order (the 400 lists the first) are the same as with the stack.
 */

/** An optional uuid (a filter or a reference). */
export const OptionalUuid = () => applyDecorators(IsUUID(), IsOptional(), ApiPropertyOptional({ format: 'uuid' }));

/** An optional ISO 8601 date-time, strictly validated (a real calendar date and time). */
export const OptionalDateTime = () =>
  applyDecorators(IsISO8601({ strict: true }), IsOptional(), ApiPropertyOptional({ format: 'date-time' }));

/** An optional nested object of class `type`: turned into that class and validated with its rules. */
export const OptionalNested = (type: new () => object) =>
  applyDecorators(
    Type(() => type),
    ValidateNested(),
    IsOptional(),
    ApiPropertyOptional({ type }),
  );
