import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AttendanceSource, AttendanceStatus, JustificationType, ServerEvent } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AttendanceChangesService } from '../attendance/attendance-changes.service.js';
import type { AppliedChange } from '../attendance/status-change.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MailOutboxService } from '../mail/mail-outbox.service.js';
import { justificationReviewedMail, mailLocale } from '../mail/mail.templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { type JustificationDto, type ReviewJustificationDto } from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';
import { JustificationEntity } from './justification.entity.js';
import { JustificationsService } from './justifications.service.js';
import { UserEntity } from '../users/user.entity.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';

/**
 * A course teacher or an admin approves or rejects a pending justification. Approval changes the attendance record
 * (absence → excused, late → present) through the attendance module's AttendanceChangesService, in the same transaction as the review, together
 * — except an absence approved before its session starts: closing the session records it (`markMissingAbsent`) —
 * with the student's notification and email (outbox). Events are pushed after commit.
 */
@Injectable()
export class JustificationReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly justifications: JustificationsService,
    private readonly notifications: NotificationsService,
    private readonly outbox: MailOutboxService,
    private readonly realtime: RealtimeService,
    private readonly attendance: AttendanceChangesService,
    private readonly audit: AuditService,
  ) {}

  async review(user: AuthUser, id: string, dto: ReviewJustificationDto): Promise<JustificationDto> {
    const comment = dto.comment ? dto.comment : null;
    const result = await this.dataSource.transaction(async (m) => {
      const row = await this.justifications.findVisible(user, id, m); // 404 unless admin or a teacher of the course
      const { affected } = await m.update(
        JustificationEntity,
        { id, status: 'pending' },
        { status: dto.decision, reviewerId: user.id, reviewComment: comment, reviewedAt: () => 'now()' },
      );
      if (!affected) throw JustificationErrors.notPending(); // already reviewed or withdrawn (also under a race)

      let change: AppliedChange | null = null;
      // An absence reported in advance: no record before the session; its close records the student excused.
      const inAdvance = row.type === JustificationType.Absence && row.session.startsAt.getTime() > Date.now();
      if (dto.decision === 'approved' && !inAdvance) {
        change = await this.attendance.apply(m, {
          sessionId: row.sessionId,
          studentId: row.studentId,
          to: row.type === JustificationType.Absence ? AttendanceStatus.Excused : AttendanceStatus.Present,
          source: AttendanceSource.Justification,
          actorId: user.id,
          reason: `Justification ${id} (${row.type}) approved${comment ? `: ${comment}` : ''}`.slice(0, 500),
          validate: true,
        });
      }

      await this.audit.record(m, {
        action: 'justification.reviewed',
        targetType: 'justification',
        targetId: id,
        summary: {
          decision: dto.decision,
          comment,
          type: row.type,
          sessionId: row.sessionId,
          studentId: row.studentId,
          ...(change?.changed ? { status: { from: change.previousStatus, to: change.status } } : {}),
        },
      });
      await enqueueWebhookEvent(
        m,
        'justification.reviewed',
        { justificationId: id, sessionId: row.sessionId, status: dto.decision, comment },
        row.sessionId,
      );
      const { course } = row.session;
      const notifications = await this.notifications.create(
        [
          {
            userId: row.studentId,
            type: 'justification.reviewed',
            params: {
              courseCode: course.code,
              title: null,
              startsAt: row.session.startsAt.toISOString(),
              timezone: course.timezone,
              kind: row.type,
              decision: dto.decision,
              comment: comment ?? null,
            },
            link: `/student/justifications?id=${id}`,
          },
        ],
        m,
      );

      let queuedMail = 0;
      if (this.outbox.enabled) {
        const student = await m.findOneOrFail(UserEntity, {
          select: { id: true, email: true, fullName: true, locale: true },
          where: { id: row.studentId },
        });
        const mail = justificationReviewedMail(mailLocale(student.locale), {
          fullName: student.fullName,
          courseCode: course.code,
          courseName: course.name,
          sessionStartsAt: row.session.startsAt,
          timezone: course.timezone,
          type: row.type,
          decision: dto.decision,
          comment,
          link: `${this.config.publicUrl}/student/justifications`,
        });
        queuedMail = await this.outbox.enqueue([{ kind: 'justification.reviewed', to: student.email, ...mail }], m);
      }
      return { row, change, notifications, queuedMail };
    });

    const { row, change } = result;
    if (change?.changed) this.attendance.publish([change]);
    this.realtime.toUser(row.studentId, ServerEvent.JustificationReviewed, {
      justificationId: id,
      sessionId: row.sessionId,
      status: dto.decision,
      comment,
    });
    this.notifications.publish(result.notifications);
    if (result.queuedMail > 0) this.outbox.kick();
    return this.justifications.get(user, id);
  }
}
