import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { type EntityManager, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MailOutboxEntity } from './mail-outbox.entity.js';
import { type ClaimedMail, claimDueMail } from './mail.queries.js';
import type { RenderedMail } from './mail.templates.js';
import { DrainLoop } from '../../common/drain-loop.js';

/** Mail kinds whose body holds a one-time secret: the body is blanked once the mail is sent. */
export const SECRET_KINDS = ['auth.password-reset'];

export interface OutgoingMail extends RenderedMail {
  kind: string;
  to: string;
  /** Unique when set: a second mail with the same key is silently dropped (e.g. one warning per week). */
  dedupeKey?: string | null;
}

const BATCH = 20;
/** A claimed mail whose sender died is claimed again after this lease. */
const LEASE_SECONDS = 5 * 60;
/** Rows per INSERT when queueing many mails at once (a warning scan), well under PostgreSQL's parameter limit. */
const INSERT_CHUNK = 1000;

/** The transactional mail outbox and its worker: how and why in docs/mail.md. */
@Injectable()
export class MailOutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private transport: Transporter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly loop = new DrainLoop(
    () => this.drain(),
    (err: unknown) => this.logger.warn(`Mail worker: ${err instanceof Error ? err.message : String(err)}`),
  );

  constructor(
    @InjectRepository(MailOutboxEntity) private readonly outbox: Repository<MailOutboxEntity>,
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
    if (this.timer) clearInterval(this.timer);
    await this.loop.stop();
    this.transport?.close();
  }

  /** Queues mails in the caller's transaction (or alone). Returns how many were queued (dedupe drops the rest). */
  async enqueue(mails: OutgoingMail[], m: EntityManager = this.outbox.manager): Promise<number> {
    if (!this.config.mail.enabled || mails.length === 0) return 0;
    let queued = 0;
    for (let i = 0; i < mails.length; i += INSERT_CHUNK) {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(MailOutboxEntity)
        .values(
          mails.slice(i, i + INSERT_CHUNK).map((x) => ({
            kind: x.kind,
            recipient: x.to,
            subject: x.subject.replace(/[\r\n]+/g, ' ').slice(0, 300),
            textBody: x.text,
            htmlBody: x.html ?? null,
            dedupeKey: x.dedupeKey ?? null,
          })),
        )
        .orIgnore() // a dedupe key already queued: that mail is dropped
        .returning('id')
        .updateEntity(false)
        .execute();
      queued += (result.raw as unknown[]).length;
    }
    return queued;
  }

  /** Asks the worker to look for due mail now (after a commit that queued some); never waits for it. */
  kick(): void {
    if (this.config.mail.enabled) this.loop.kick();
  }

  /** Sends every due mail, batch by batch. Returns how many were sent. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (this.loop.isStopped) return sent;
      const batch = await this.claim();
      if (batch.length === 0) return sent;
      for (const row of batch) if (await this.send(row)) sent++;
    }
  }

  private claim(): Promise<ClaimedMail[]> {
    return claimDueMail(this.outbox.manager, BATCH, LEASE_SECONDS);
  }

  private async send(row: ClaimedMail): Promise<boolean> {
    try {
      await this.transport!.sendMail({
        from: this.config.mail.from,
        to: row.recipient,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody ?? undefined,
      });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      const delay = this.backoff(row.attempts);
      const giveUp = row.attempts >= this.config.mail.maxAttempts;
      await this.outbox
        .createQueryBuilder()
        .update()
        .set({
          status: giveUp ? 'failed' : 'pending',
          nextAttemptAt: () => 'now() + make_interval(secs => CAST(:delay AS double precision))',
          lockedUntil: null,
          lastError: message,
        })
        .where('id = :id', { id: row.id, delay: delay / 1000 })
        .execute();
      if (giveUp) this.logger.warn(`Gave up on mail ${row.id} after ${row.attempts} attempts: ${message}`);
      else if (row.attempts === 1) this.logger.warn(`Mail ${row.id} not sent (will retry): ${message}`);
      return false;
    }
    // A mail carrying a one-time secret (a password reset link) keeps no copy of it once sent.
    const secret = SECRET_KINDS.includes(row.kind)
      ? { textBody: '(one-time link removed after sending)', htmlBody: null }
      : {};
    await this.outbox.update(row.id, {
      status: 'sent',
      sentAt: () => 'now()',
      lockedUntil: null,
      lastError: null,
      ...secret,
    });
    return true;
  }

  /** base · 2^(attempt−1), capped, with ±20% jitter so replicas do not retry in lockstep. */
  private backoff(attempts: number): number {
    const raw = Math.min(this.config.mail.retryBaseMs * 2 ** Math.max(0, attempts - 1), this.config.mail.retryMaxMs);
    return Math.round(raw * (0.8 + Math.random() * 0.4));
  }
}
