import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AttendanceSource, AttendanceStatus, JustificationType, ServerEvent } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AttendanceChangesService } from '../attendance/attendance-changes.service.js';
import type { AppliedChange } from '../attendance/status-change.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MailOutboxService } from '../mail/mail-outbox.service.js';
import { formatWhen, justificationReviewedMail, mailLocale } from '../mail/mail.templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { type JustificationDto, type ReviewJustificationDto } from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';
import { JustificationsService } from './justifications.service.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';

/**
 * A course teacher or an admin approves or rejects a pending justification. Approval changes the attendance record
 * (absence → excused, late → present) through the attendance module's AttendanceChangesService, in the same transaction as the review, together
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
  ) {}

  async review(user: AuthUser, id: string, dto: ReviewJustificationDto): Promise<JustificationDto> {
    const comment = dto.comment ? dto.comment : null;
    const result = await this.dataSource.transaction(async (m) => {
      const row = await this.justifications.findVisible(user, id, m); // 404 unless admin or a teacher of the course
      const res: unknown = await m.query(
        `UPDATE justifications SET status = $2, reviewer_id = $3, review_comment = $4, reviewed_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, dto.decision, user.id, comment],
      );
      const updated = Array.isArray(res) && Array.isArray(res[0]) ? (res[0] as unknown[]) : (res as unknown[]);
      if (updated.length === 0) throw JustificationErrors.notPending(); // already reviewed or withdrawn (also under a race)

      let change: AppliedChange | null = null;
      if (dto.decision === 'approved') {
        change = await this.attendance.apply(m, {
          sessionId: row.session_id,
          studentId: row.student_id,
          to: row.type === JustificationType.Absence ? AttendanceStatus.Excused : AttendanceStatus.Present,
          source: AttendanceSource.Justification,
          actorId: user.id,
          reason: `Justification ${id} (${row.type}) approved${comment ? `: ${comment}` : ''}`.slice(0, 500),
          validate: true,
        });
      }

      await enqueueWebhookEvent(
        m,
        'justification.reviewed',
        { justificationId: id, sessionId: row.session_id, status: dto.decision, comment },
        row.session_id,
      );
      const approved = dto.decision === 'approved';
      const when = formatWhen(new Date(row.starts_at), row.timezone, 'en');
      const notifications = await this.notifications.create(
        [
          {
            userId: row.student_id,
            type: 'justification.reviewed',
            title: approved ? 'Justification approved' : 'Justification rejected',
            body:
              `${row.course_code}, ${when}: your ${row.type === JustificationType.Absence ? 'absence' : 'late arrival'} justification was ${dto.decision}.` +
              (approved
                ? row.type === JustificationType.Absence
                  ? ' The absence is now excused.'
                  : ' You are now marked present.'
                : '') +
              (comment ? ` Comment: ${comment}` : ''),
            link: `/student/justifications?id=${id}`,
          },
        ],
        m,
      );

      let queuedMail = 0;
      if (this.outbox.enabled) {
        const [student] = (await m.query(`SELECT email, full_name, locale FROM users WHERE id = $1`, [
          row.student_id,
        ])) as { email: string; full_name: string; locale: string }[];
        const mail = justificationReviewedMail(mailLocale(student.locale), {
          fullName: student.full_name,
          courseCode: row.course_code,
          courseName: row.course_name,
          sessionStartsAt: new Date(row.starts_at),
          timezone: row.timezone,
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
    this.realtime.toUser(row.student_id, ServerEvent.JustificationReviewed, {
      justificationId: id,
      sessionId: row.session_id,
      status: dto.decision,
      comment,
    });
    this.notifications.publish(result.notifications);
    if (result.queuedMail > 0) this.outbox.kick();
    return this.justifications.get(user, id);
  }
}
