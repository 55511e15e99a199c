import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `page`: 1-based, at most 100000. */
export const PageNumberParam = () =>
  applyDecorators(
    Max(100000),
    Min(1),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100000, default: 1 }),
  );

/** `pageSize`: 1 to `max` items a page, `fallback` when absent (the rules apply bottom-up, as a written stack). */
export const PageSizeParam = (max: number, fallback: number) =>
  applyDecorators(
    Max(max),
    Min(1),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max, default: fallback }),
  );

/** `page` and `pageSize` (≤ 100): every paged list takes them. */
export class PageParamsDto {
  /** 1-based page number. */
  @PageNumberParam()
  page?: number;

  @PageSizeParam(100, 20)
  pageSize?: number;
}

/** Paging plus a case-insensitive `search`. */
export class PageQueryDto extends PageParamsDto {
  /** Case-insensitive text search. */
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export function pageOf(q: { page?: number; pageSize?: number }) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class PageMetaDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) total: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) page: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) pageSize: number;
}
