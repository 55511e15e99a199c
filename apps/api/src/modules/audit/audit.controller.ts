import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import { Roles } from '../../common/decorators.js';
import { toCsv } from '../reports/exports.service.js';
import { AuditEventPageDto, AuditFilterDto, ListAuditEventsQueryDto } from './audit.dto.js';
import { AUDIT_EXPORT_MAX_ROWS, AuditService } from './audit.service.js';

const FILTERS =
  'Filters combine with AND: `actor` (user id or email), `action` (`user.updated`, or `user` for every user action), ' +
  '`targetType`, `targetId`, and the instants `from` (inclusive) and `to` (exclusive). Newest first.';

@ApiTags('audit')
@Roles(UserRole.Admin)
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The audit trail of administrative and security actions (admin), paged.',
    description: FILTERS,
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiAuth(400)
  listAuditEvents(@Query() query: ListAuditEventsQueryDto): Promise<AuditEventPageDto> {
    return this.audit.list(query);
  }

  @Get('export.csv')
  @ApiOperation({
    summary: `The filtered audit trail as CSV (admin), at most ${AUDIT_EXPORT_MAX_ROWS} rows.`,
    description: FILTERS,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The CSV file (Content-Disposition: attachment).', schema: { type: 'string' } })
  @ApiAuth(400)
  async exportAuditEvents(
    @Query() query: AuditFilterDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const rows = await this.audit.exportRows(query);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    void reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${day}.csv"`)
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff');
    return toCsv([
      [
        'occurredAt',
        'actorId',
        'actorEmail',
        'actorName',
        'action',
        'targetType',
        'targetId',
        'summary',
        'ip',
        'requestId',
      ],
      ...rows.map((r) => [
        r.occurredAt,
        r.actorId,
        r.actorEmail,
        r.actorName,
        r.action,
        r.targetType,
        r.targetId,
        JSON.stringify(r.summary),
        r.ip,
        r.requestId,
      ]),
    ]);
  }
}
