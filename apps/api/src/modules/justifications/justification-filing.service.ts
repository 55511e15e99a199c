import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import { CommonErrors } from '../../common/app-error.js';
import type { AuthUser } from '../../common/auth-user.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { createValidationPipe } from '../../common/validation.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { FileStorage } from '../storage/file-storage.js';
import { readJustificationForm, type StoredDocument } from './justification-upload.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CreateJustificationDto, type JustificationDto } from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';
import { JustificationEntity } from './justification.entity.js';
import { wasExpectedAt } from './justifications.queries.js';
import { justificationTiming, NOTHING_TO_JUSTIFY } from './justification-window.js';
import { JustificationsService } from './justifications.service.js';
import { AttendanceRecordEntity } from '../attendance/attendance-record.entity.js';
import { CourseEntity, CourseTeacherEntity } from '../courses/course.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';

const validation = createValidationPipe();

/**
 * A student files a justification for a session of one of their courses: an absence at any time (in advance for a
 * session still to come), a late arrival once it has started; both until JUSTIFICATION_WINDOW_DAYS after it ends. One live justification per
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
    const timing = justificationTiming(session, Date.now(), this.config.justifications.windowDays, dto.type);
    if (timing === 'too-early') throw JustificationErrors.tooEarly();
    if (timing === 'window-closed') {
      throw JustificationErrors.windowClosed({
        message: `Sessions can be justified up to ${this.config.justifications.windowDays} days after they end.`,
      });
    }

    const { id, teacherIds, notifications, payload } = await this.dataSource.transaction(async (m) => {
      // Only a session the student was expected at (enrolled when it started; never a cancelled one).
      if (!(await wasExpectedAt(m, dto.sessionId, user.id))) throw JustificationErrors.notExpected();
      const record = await m.findOne(AttendanceRecordEntity, {
        select: { sessionId: true, studentId: true, status: true },
        where: { sessionId: dto.sessionId, studentId: user.id },
      });
      if (record && NOTHING_TO_JUSTIFY.includes(record.status)) throw JustificationErrors.nothingToJustify();
      let id: string;
      try {
        const inserted = await m
          .createQueryBuilder()
          .insert()
          .into(JustificationEntity)
          .values({
            sessionId: dto.sessionId,
            studentId: user.id,
            type: dto.type,
            reason: dto.reason,
            documentKey: doc?.key ?? null,
            documentName: doc?.name ?? null,
            documentType: doc?.type ?? null,
            documentSize: doc?.size ?? null,
          })
          .returning('id')
          .updateEntity(false)
          .execute();
        ({ id } = (inserted.raw as Pick<JustificationEntity, 'id'>[])[0]);
      } catch (err) {
        if (isUniqueViolation(err, 'justifications_session_student_key')) throw JustificationErrors.alreadyExists();
        throw err;
      }
      const student = await m.findOneOrFail(UserEntity, {
        select: { id: true, fullName: true },
        where: { id: user.id },
      });
      const course = await m.findOneOrFail(CourseEntity, {
        select: { id: true, code: true },
        where: { id: session.courseId },
      });
      const teacherIds = (
        await m.find(CourseTeacherEntity, {
          select: { courseId: true, teacherId: true },
          where: { courseId: session.courseId },
        })
      ).map((t) => t.teacherId);
      const notifications = await this.notifications.create(
        teacherIds.map((teacherId) => ({
          userId: teacherId,
          type: 'justification.submitted' as const,
          params: {
            courseCode: course.code,
            title: null,
            startsAt: session.startsAt.toISOString(),
            timezone: session.timezone,
            studentName: student.fullName,
            kind: dto.type,
            reason: dto.reason,
          },
          link: `/teacher/justifications?id=${id}`,
        })),
        m,
      );
      const payload = {
        justificationId: id,
        sessionId: dto.sessionId,
        courseId: session.courseId,
        studentId: user.id,
        fullName: student.fullName,
        type: dto.type,
      };
      await enqueueWebhookEvent(m, 'justification.submitted', payload, dto.sessionId);
      return { id, teacherIds, notifications, payload };
    });

    // After commit: nobody hears about a filing that rolled back.
    this.realtime.toUser(teacherIds, ServerEvent.JustificationSubmitted, payload);
    this.notifications.publish(notifications);
    return this.justifications.get(user, id);
  }
}
