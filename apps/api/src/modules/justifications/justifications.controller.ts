import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { contentDisposition } from './document-name.js';
import { JustificationFilingService } from './justification-filing.service.js';
import { JustificationReviewService } from './justification-review.service.js';
import {
  CreateJustificationFormDto,
  JustificationDto,
  JustificationPageDto,
  ListJustificationsQueryDto,
  ReviewJustificationDto,
} from './justifications.dto.js';
import { JustificationsService } from './justifications.service.js';
import { AcceptsMultipart } from '../../common/input-limits.js';

@ApiTags('justifications')
@Controller('justifications')
export class JustificationsController {
  constructor(
    private readonly justifications: JustificationsService,
    private readonly filing: JustificationFilingService,
    private readonly reviews: JustificationReviewService,
  ) {}

  @Post()
  @Roles(UserRole.Student)
  @ApiOperation({
    summary: 'Justify an absence or a late arrival (student), with an optional document.',
    description:
      'multipart/form-data with sessionId, type, reason (≤ 1000 characters) and an optional file `document`: PDF, PNG or JPEG ' +
      '(type checked by content), at most 5 MB (413 `justifications/document-too-large`; 415 `justifications/document-type`). ' +
      'JSON is accepted when there is no document. The session must be of one of your courses; an absence can be justified ' +
      'at any time, also in advance for a session still to come (approved, its close records you `excused` instead of `absent`), a late arrival ' +
      'once it has started (409 `justifications/too-early` before), both until JUSTIFICATION_WINDOW_DAYS (default 30) after it ends. ' +
      'One live justification per session (409 `justifications/already-exists`; withdraw it to file again).',
  })
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateJustificationFormDto })
  @ApiCreatedResponse({ type: JustificationDto })
  @ApiAuth(400, 404, 409, 413, 415)
  createJustification(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest): Promise<JustificationDto> {
    return this.filing.file(user, req);
  }

  @Get()
  @ApiOperation({
    summary:
      "Justifications, newest first: a student's own, a teacher's courses', all for an admin. Filter by status, course, student, session; search by student or course.",
  })
  @ApiOkResponse({ type: JustificationPageDto })
  @ApiAuth(400)
  listJustifications(
    @CurrentUser() user: AuthUser,
    @Query() query: ListJustificationsQueryDto,
  ): Promise<JustificationPageDto> {
    return this.justifications.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One justification (its student, the course teachers, admins).' })
  @ApiOkResponse({ type: JustificationDto })
  @ApiAuth(400, 404)
  getJustification(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<JustificationDto> {
    return this.justifications.get(user, id);
  }

  @Get(':id/document')
  @ApiOperation({ summary: 'Download the document (its student, the course teachers, admins), as an attachment.' })
  @ApiProduces('application/pdf', 'image/png', 'image/jpeg')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiAuth(400, 404)
  async downloadJustificationDocument(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const doc = await this.justifications.document(user, id);
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('Cache-Control', 'private, no-store');
    void reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(doc.stream, {
      type: doc.type,
      disposition: contentDisposition(doc.name),
      length: doc.size || undefined,
    });
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles(UserRole.Teacher, UserRole.Admin)
  @ApiOperation({
    summary: 'Approve or reject a pending justification (course teachers, admins).',
    description:
      'Approval makes an absence `excused` and a late arrival `present` in the same transaction; the student is notified (and emailed when mail is on).',
  })
  @ApiOkResponse({ type: JustificationDto })
  @ApiAuth(400, 404, 409)
  reviewJustification(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: ReviewJustificationDto,
  ): Promise<JustificationDto> {
    return this.reviews.review(user, id, body);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles(UserRole.Student)
  @ApiOperation({ summary: 'Withdraw my pending justification (a new one may then be filed for the session).' })
  @ApiOkResponse({ type: JustificationDto })
  @ApiAuth(400, 404, 409)
  withdrawJustification(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<JustificationDto> {
    return this.justifications.withdraw(user, id);
  }
}
