import { Controller, HttpCode, type OnModuleInit, Post, Query, Req } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import { Roles } from '../../common/decorators.js';
import { AcceptsMultipart } from '../../common/input-limits.js';
import { UsersImportQueryDto, UsersImportReportDto } from './users-import.dto.js';
import { CSV_CONTENT_TYPES, UsersImportService } from './users-import.service.js';

@ApiTags('users')
@Roles(UserRole.Admin)
@Controller('users')
export class UsersImportController implements OnModuleInit {
  constructor(
    private readonly importer: UsersImportService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** A CSV body reaches the handler as the raw stream (parsed row by row, with its own size limit). */
  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    for (const type of CSV_CONTENT_TYPES) {
      if (!fastify.hasContentTypeParser(type))
        fastify.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    }
  }

  @Post('import')
  @AcceptsMultipart()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import users from CSV (admin), with a dry-run preview.',
    description:
      'The CSV goes as a text/csv body or as multipart/form-data with the file in the field `file` (≤ 2 MB, ≤ 5000 rows). Header (case, spaces and underscores ignored): ' +
      '`email,full name,role,student number` and optionally `courses` (course codes separated by `;`, to enroll students). ' +
      'dryRun=true (the default) reports every row with its errors (line, field, reason) and writes nothing. dryRun=false imports all rows in one transaction, or — if any row is ' +
      'invalid — nothing (400 `users-import/invalid-rows` with the same report in details); with mode=valid it imports the valid rows only and reports the others. ' +
      'Every report has `rejectedCsv`: the invalid rows as CSV with an `error` column (fixed, that file imports as it is). A duplicate email (in the file or already existing) is an error on that row. ' +
      'New users get a temporary password, returned once in this report, that they must change at first login. Temporary passwords are random (~80 bits) and hashed with a light argon2id cost (they must be replaced at first login).',
    requestBody: {
      required: true,
      description: 'The CSV file: the raw text/csv body, or the `file` field of a multipart/form-data form.',
      content: {
        'text/csv': { schema: { type: 'string', description: 'CSV, UTF-8 (a BOM is fine), ≤ 2 MB' } },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'CSV, UTF-8, ≤ 2 MB' } },
          },
        },
      },
    },
  })
  @ApiOkResponse({ type: UsersImportReportDto })
  @ApiAuth(400, 409, 413, 415)
  async importUsers(@Req() req: FastifyRequest, @Query() query: UsersImportQueryDto): Promise<UsersImportReportDto> {
    const source = await this.importer.source(req);
    return this.importer.import(source, query.dryRun ?? true, query.mode ?? 'all');
  }
}
