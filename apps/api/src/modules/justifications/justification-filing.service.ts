import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JustificationType, ServerEvent } from '@sysponto/contracts';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import { CommonErrors } from '../../common/app-error.js';
import type { AuthUser } from '../../common/auth-user.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { createValidationPipe } from '../../common/validation.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { formatWhen } from '../mail/mail.templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { FileStorage } from '../storage/file-storage.js';
import { readJustificationForm, type StoredDocument } from './justification-upload.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CreateJustificationDto, type JustificationDto } from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';
import { JustificationsService } from './justifications.service.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const validation = createValidationPipe();

/**
 * A student files a justification for a session of one of their courses: an absence once the session has started,
 * a late arrival during or after it; both until JUSTIFICATION_WINDOW_DAYS after it ends. One live justification per
 * (student, session), enforced by a partial unique index. The course's teachers are told live and in their
 * notification centre.
 */
@Injectable()
export class JustificationFilingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly storage: FileStorage,
    private readonly notifications: NotificationsService,
    private readonly realtime: RealtimeService,
    private readonly justifications: JustificationsService,
  ) {}

  async file(user: AuthUser, req: FastifyRequest): Promise<JustificationDto> {
    const form = await readJustificationForm(req, this.storage, this.config.justifications.maxDocumentBytes);
    try {
      const dto = (await validation.transform(form.fields, {
        type: 'body',
        metatype: CreateJustificationDto,
      })) as CreateJustificationDto;
      return await this.create(user, dto, form.document);
    } catch (err) {
      // Nothing half-written: a refused or failed filing leaves no file behind.
      if (form.document) await this.storage.delete(form.document.key).catch(() => undefined);
      throw err;
    }
  }

  private async create(
    user: AuthUser,
    dto: CreateJustificationDto,
    doc: StoredDocument | null,
  ): Promise<JustificationDto> {
    const session = await this.access.sessionContext(user, dto.sessionId);
    if (session.relation !== 'student') throw CommonErrors.forbidden();
    const now = Date.now();
    if (now < session.startsAt.getTime()) throw JustificationErrors.tooEarly();
    if (now > session.endsAt.getTime() + this.config.justifications.windowDays * DAY_MS) {
      throw JustificationErrors.windowClosed({
        message: `Sessions can be justified up to ${this.config.justifications.windowDays} days after they end.`,
      });
    }

    const { id, teacherIds, notifications, payload } = await this.dataSource.transaction(async (m) => {
      // Only a session the student was expected at (enrolled when it started; never a cancelled one).
      const [expected] = (await m.query(`SELECT 1 FROM attendance_expected WHERE session_id = $1 AND student_id = $2`, [
        dto.sessionId,
        user.id,
      ])) as unknown[];
      if (!expected) throw JustificationErrors.notExpected();
      const [record] = (await m.query(
        `SELECT status FROM attendance_records WHERE session_id = $1 AND student_id = $2`,
        [dto.sessionId, user.id],
      )) as { status: string }[];
      if (record && (record.status === 'present' || record.status === 'excused'))
        throw JustificationErrors.nothingToJustify();
      let inserted: { id: string }[];
      try {
        inserted = await m.query(
          `INSERT INTO justifications (session_id, student_id, type, reason, document_key, document_name, document_type, document_size)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            dto.sessionId,
            user.id,
            dto.type,
            dto.reason,
            doc?.key ?? null,
            doc?.name ?? null,
            doc?.type ?? null,
            doc?.size ?? null,
          ],
        );
      } catch (err) {
        if (isUniqueViolation(err, 'justifications_session_student_key')) throw JustificationErrors.alreadyExists();
        throw err;
      }
      const id = inserted[0].id;
      const [info] = (await m.query(
        `SELECT u.full_name, c.code, array(SELECT teacher_id::text FROM course_teachers WHERE course_id = c.id) AS teacher_ids
           FROM users u, courses c WHERE u.id = $1 AND c.id = $2`,
        [user.id, session.courseId],
      )) as { full_name: string; code: string; teacher_ids: string[] }[];
      const what = dto.type === JustificationType.Absence ? 'absence' : 'late arrival';
      const when = formatWhen(session.startsAt, session.timezone, 'en');
      const notifications = await this.notifications.create(
        info.teacher_ids.map((teacherId) => ({
          userId: teacherId,
          type: 'justification.submitted',
          title: `New justification from ${info.full_name}`,
          body: `${info.code}, ${when}: ${what}. ${dto.reason}`,
          link: `/teacher/justifications?id=${id}`,
        })),
        m,
      );
      const payload = {
        justificationId: id,
        sessionId: dto.sessionId,
        courseId: session.courseId,
        studentId: user.id,
        fullName: info.full_name,
        type: dto.type,
      };
      await enqueueWebhookEvent(m, 'justification.submitted', payload, dto.sessionId);
      return { id, teacherIds: info.teacher_ids, notifications, payload };
    });

    // After commit: nobody hears about a filing that rolled back.
    this.realtime.toUser(teacherIds, ServerEvent.JustificationSubmitted, payload);
    this.notifications.publish(notifications);
    return this.justifications.get(user, id);
  }
}
