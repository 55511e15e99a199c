import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns.js';

export type IdempotencyState = 'running' | 'completed';

/**
 * One row per (principal, Idempotency-Key): claimed atomically with INSERT … ON CONFLICT before the request runs,
 * completed with the stored status and body afterwards, replayed for 24 h (see IdempotencyInterceptor).
 */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_principal_key_key', ['principal', 'key'], { unique: true })
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
@Check('idempotency_keys_state_check', `"state" IN ('running', 'completed')`)
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'idempotency_keys_pkey' })
  id: string;

  /** `user:<id>` or `key:<api key id>`: a key is only ever replayed to the principal that sent it. */
  @Column({ type: 'varchar', length: 80 })
  principal: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 (hex) of method, path and body: the same key with another request is `idempotency/key-reused`. */
  @Column({ type: 'char', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16, default: 'running' })
  state: IdempotencyState;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  /** The response body as sent (JSON text). */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  /** A running claim whose replica died is taken over after this lease. */
  @Column({ name: 'locked_until', type: 'timestamptz' })
  lockedUntil: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
