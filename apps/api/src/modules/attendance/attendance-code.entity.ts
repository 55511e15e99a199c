import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CodeMode } from '@sysponto/contracts';
import { CreatedAtColumn } from '../../database/columns.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/**
 * A check-in code of a session. Fixed: `code` is stored. Rotating: the shown code is derived from the HMAC key and
 * the time slot (`attendance_rotating_code()` in SQL, `rotatingCode()` in TypeScript); only the padded key halves are
 * stored. Rows are never deleted by the app: revoked/expired ones give students a clear "expired".
 */
@Entity({ name: 'attendance_codes' })
// Partial indexes (active per session, by code, rotating) live in the migration.
@Index('attendance_codes_active_key', { synchronize: false })
@Index('attendance_codes_code_idx', { synchronize: false })
@Index('attendance_codes_rotating_idx', { synchronize: false })
@Check('attendance_codes_mode_check', `"mode" IN ('fixed', 'rotating')`)
@Check(
  'attendance_codes_material_check',
  `("mode" = 'fixed' AND "code" IS NOT NULL) OR ("mode" = 'rotating' AND "key_inner" IS NOT NULL AND "key_outer" IS NOT NULL AND "slot_seconds" IS NOT NULL)`,
)
export class AttendanceCodeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'attendance_codes_pkey' })
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ type: 'varchar', length: 16 })
  mode: CodeMode;

  /** Fixed mode only. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  code: string | null;

  /** Rotating mode: HMAC key ⊕ ipad (64 bytes). */
  @Column({ name: 'key_inner', type: 'bytea', nullable: true, select: false })
  keyInner: Buffer | null;

  /** Rotating mode: HMAC key ⊕ opad (64 bytes). */
  @Column({ name: 'key_outer', type: 'bytea', nullable: true, select: false })
  keyOuter: Buffer | null;

  @Column({ name: 'slot_seconds', type: 'integer', nullable: true })
  slotSeconds: number | null;

  /** Rotating mode: seconds the previous slot's code is still accepted (the course's grace at generation). */
  @Column({ name: 'grace_seconds', type: 'integer', nullable: true })
  graceSeconds: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'attendance_codes_session_id_fkey' })
  session?: ClassSessionEntity;

  @ActingUserRelation('created_by', 'attendance_codes_created_by_fkey')
  creator?: UserEntity;
}
