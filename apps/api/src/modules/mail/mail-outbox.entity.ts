import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, RetryQueueColumns } from '../../database/columns.js';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * Transactional outbox for email: rows are written in the same transaction as the change they announce and sent
 * later by MailOutboxService's worker (claimed with FOR UPDATE SKIP LOCKED, retried with exponential backoff).
 */
@Entity({ name: 'mail_outbox' })
@Index('mail_outbox_status_next_attempt_at_idx', ['status', 'nextAttemptAt'])
@Check('mail_outbox_status_check', `"status" IN ('pending', 'sending', 'sent', 'failed')`)
export class MailOutboxEntity extends RetryQueueColumns<MailStatus> {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'mail_outbox_pkey' })
  id: string;

  /** e.g. justification.reviewed, attendance.warning, justification.digest */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody: string;

  @Column({ name: 'html_body', type: 'text', nullable: true })
  htmlBody: string | null;

  /** Unique when set: the same mail is never queued twice. */
  @Index('mail_outbox_dedupe_key_key', { unique: true })
  @Column({ name: 'dedupe_key', type: 'varchar', length: 200, nullable: true })
  dedupeKey: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
