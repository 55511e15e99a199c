import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RenderedMail } from './mail.templates.js';

export interface OutgoingMail extends RenderedMail {
  kind: string;
  to: string;
  /** Unique when set: a second mail with the same key is silently dropped (e.g. one warning per week). */
  dedupeKey?: string | null;
}

interface ClaimedRow {
  id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attempts: number;
}

const BATCH = 20;
/** A claimed mail whose sender died is claimed again after this lease. */
const LEASE = '5 minutes';

/** The transactional mail outbox and its worker: how and why in docs/mail.md. */
@Injectable()
export class MailOutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private transport: Transporter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.mail.enabled;
  }

  onApplicationBootstrap() {
    if (!this.config.mail.enabled) {
      this.logger.log('Mail is off (SMTP_URL is not set): no email is queued or sent.');
      return;
    }
    this.transport = createTransport({
      url: this.config.mail.smtpUrl!,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.timer = setInterval(() => this.kick(), this.config.mail.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining?.catch(() => undefined);
    this.transport?.close();
  }

  /** Queues mails in the caller's transaction (or alone). Returns how many were queued (dedupe drops the rest). */
  async enqueue(mails: OutgoingMail[], m: EntityManager = this.dataSource.manager): Promise<number> {
    if (!this.config.mail.enabled || mails.length === 0) return 0;
    const rows: unknown[] = await m.query(
      `INSERT INTO mail_outbox (kind, recipient, subject, text_body, html_body, dedupe_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        mails.map((x) => x.kind),
        mails.map((x) => x.to),
        mails.map((x) => x.subject.replace(/[\r\n]+/g, ' ').slice(0, 300)),
        mails.map((x) => x.text),
        mails.map((x) => x.html ?? null),
        mails.map((x) => x.dedupeKey ?? null),
      ],
    );
    return rows.length;
  }

  /** Asks the worker to look for due mail now (after a commit that queued some); never waits for it. */
  kick(): void {
    if (!this.config.mail.enabled || this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn(`Mail worker: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.draining = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Sends every due mail, batch by batch. Returns how many were sent. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (this.stopped) return sent;
      const batch = await this.claim();
      if (batch.length === 0) return sent;
      for (const row of batch) if (await this.send(row)) sent++;
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    const res: unknown = await this.dataSource.query(
      `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, locked_until = now() + interval '${LEASE}'
        WHERE id IN (
          SELECT id FROM mail_outbox
           WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
           ORDER BY next_attempt_at
           LIMIT ${BATCH}
           FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, subject, text_body, html_body, attempts`,
    );
    // UPDATE … RETURNING answers [rows, count] through TypeORM's postgres driver.
    return (Array.isArray(res) && Array.isArray(res[0]) ? res[0] : res) as ClaimedRow[];
  }

  private async send(row: ClaimedRow): Promise<boolean> {
    try {
      await this.transport!.sendMail({
        from: this.config.mail.from,
        to: row.recipient,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body ?? undefined,
      });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      const delay = this.backoff(row.attempts);
      const giveUp = row.attempts >= this.config.mail.maxAttempts;
      await this.dataSource.query(
        `UPDATE mail_outbox SET status = $2, next_attempt_at = now() + make_interval(secs => $3::double precision), locked_until = NULL, last_error = $4 WHERE id = $1`,
        [row.id, giveUp ? 'failed' : 'pending', delay / 1000, message],
      );
      if (giveUp) this.logger.warn(`Gave up on mail ${row.id} after ${row.attempts} attempts: ${message}`);
      else if (row.attempts === 1) this.logger.warn(`Mail ${row.id} not sent (will retry): ${message}`);
      return false;
    }
    await this.dataSource.query(
      `UPDATE mail_outbox SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`,
      [row.id],
    );
    return true;
  }

  /** base · 2^(attempt−1), capped, with ±20% jitter so replicas do not retry in lockstep. */
  private backoff(attempts: number): number {
    const raw = Math.min(this.config.mail.retryBaseMs * 2 ** Math.max(0, attempts - 1), this.config.mail.retryMaxMs);
    return Math.round(raw * (0.8 + Math.random() * 0.4));
  }
}
