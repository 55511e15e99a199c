import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { warningCandidates } from '../reports/rates.queries.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MailOutboxService, type OutgoingMail } from './mail-outbox.service.js';
import { pendingDigestRows } from './mail.queries.js';
import {
  attendanceWarningMail,
  DIGEST_MAX_ITEMS,
  type DigestItem,
  justificationDigestMail,
  mailLocale,
} from './mail.templates.js';

/** No warning before this many sessions count (held − excused): one missed first class is not a pattern. */
export const WARNING_MIN_SESSIONS = 3;

/**
 * Periodic mail: attendance warnings (the product's one rate — reports/rates.queries.ts — under
 * ATTENDANCE_WARNING_PERCENT, for students enrolled now, at most once per student, course and ISO week) and the daily digest of pending justifications for teachers and
 * admins who opted in. Every replica may run it: the outbox's unique dedupe key makes each mail go out once.
 */
@Injectable()
export class MailAlertsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailAlerts');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: MailOutboxService,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.mail.enabled) return;
    this.timer = setInterval(() => this.tick(), this.config.mail.alertsIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private tick() {
    if (this.running) return;
    this.running = (async () => {
      const queued = (await this.scanAttendanceWarnings()) + (await this.queueDailyDigests());
      if (queued > 0) this.outbox.kick();
    })()
      .catch((err: unknown) => this.logger.warn(`Mail alerts: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.running = null));
  }

  /**
   * Queues a warning for every (student, course) under the threshold that has not had one this ISO week.
   * Optional filters let a caller check just the students a status change touched. Returns how many were queued.
   */
  async scanAttendanceWarnings(
    filter: { courseId?: string; studentIds?: string[] } = {},
    now = new Date(),
  ): Promise<number> {
    if (!this.outbox.enabled) return 0;
    const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    const rows = await warningCandidates(this.dataSource.manager, {
      courseId: filter.courseId ?? null,
      studentIds: filter.studentIds ?? null,
      minSessions: WARNING_MIN_SESSIONS,
      threshold: this.config.reports.warningThreshold,
      week,
    });
    const mails: OutgoingMail[] = rows.map((r) => ({
      kind: 'attendance.warning',
      to: r.email,
      dedupeKey: `attendance.warning:${r.student_id}:${r.course_id}:${week}`,
      ...attendanceWarningMail(mailLocale(r.locale), {
        fullName: r.full_name,
        courseCode: r.code,
        courseName: r.name,
        // Floored: a rate of 74.96 % is under 75 %, so the mail must not say 75 %.
        ratePercent: Math.floor(Math.round((r.rate ?? 0) * 10_000) / 100),
        thresholdPercent: this.config.reports.warningPercent,
        link: `${this.config.publicUrl}/student/history`,
      }),
    }));
    return this.outbox.enqueue(mails);
  }

  /** From MAIL_DIGEST_HOUR_UTC on, once per UTC day: one digest per opted-in teacher/admin with pending justifications. */
  async queueDailyDigests(now = new Date()): Promise<number> {
    if (!this.outbox.enabled) return 0;
    const at = DateTime.fromJSDate(now, { zone: 'utc' });
    if (at.hour < this.config.mail.digestHourUtc) return 0;
    const day = at.toISODate()!;
    const rows = await pendingDigestRows(this.dataSource.manager, day);
    const byUser = new Map<string, { email: string; fullName: string; locale: string; items: DigestItem[] }>();
    for (const r of rows) {
      let entry = byUser.get(r.userId);
      if (!entry) byUser.set(r.userId, (entry = { email: r.email, fullName: r.fullName, locale: r.locale, items: [] }));
      entry.items.push({
        courseCode: r.code,
        studentName: r.studentName,
        type: r.type,
        sessionStartsAt: r.startsAt,
        timezone: r.timezone,
      });
    }
    const mails: OutgoingMail[] = [...byUser].map(([userId, u]) => ({
      kind: 'justification.digest',
      to: u.email,
      dedupeKey: `justification.digest:${userId}:${day}`,
      ...justificationDigestMail(mailLocale(u.locale), {
        fullName: u.fullName,
        items: u.items.slice(0, DIGEST_MAX_ITEMS),
        total: u.items.length,
        link: `${this.config.publicUrl}/teacher/justifications`,
      }),
    }));
    return this.outbox.enqueue(mails);
  }
}
