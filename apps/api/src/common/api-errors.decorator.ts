import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  /** Stable machine-readable code, e.g. `users/not-found`. */
  @ApiProperty({ example: 'users/not-found' }) code: string;
  /** Human-readable message. */
  @ApiProperty({ example: 'User not found.' }) message: string;
  /** Validation errors: one entry per field. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) details?: unknown;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (details lists each field)',
  401: 'Missing or expired access token',
  403: 'Not allowed for this role or object',
  404: 'Not found (or not visible to you)',
  409: 'Conflicts with existing data',
  413: 'Too large',
  415: 'Unsupported media type',
  429: 'Too many attempts (see Retry-After)',
};

/** Documents the error responses of an endpoint with the common error shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto }),
    ),
  );
}

/** Authenticated endpoint: bearer token, 401 and 403 documented. */
export function ApiAuth(...statuses: number[]) {
  return applyDecorators(ApiBearerAuth(), ApiErrors(401, 403, ...statuses));
}
