import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** `created_at timestamptz NOT NULL DEFAULT now()`: when the row was inserted; every table's creation time. */
export const CreatedAtColumn = (): PropertyDecorator => CreateDateColumn({ name: 'created_at', type: 'timestamptz' });

/** `updated_at timestamptz NOT NULL DEFAULT now()`: TypeORM sets it on each save; raw updates set it themselves. */
export const UpdatedAtColumn = (): PropertyDecorator => UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });

/**
 * The columns of a leased retry queue (the mail outbox, webhook deliveries): a worker claims the due `pending` rows
 * and the `sending` ones whose lease ran out, counts the attempt, and on failure sets the next one (backoff).
 */
export abstract class RetryQueueColumns<Status extends string> {
  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: Status;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** A claimed row whose lease expired (its replica crashed) is claimed again. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;
}
