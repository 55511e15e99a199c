import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { JustificationStatus, JustificationType } from '@sysponto/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '../../database/columns.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

@Entity({ name: 'justifications' })
// Partial unique index (status <> 'withdrawn') lives in the migration.
@Index('justifications_session_student_key', { synchronize: false })
@Index('justifications_student_id_idx', ['studentId', 'createdAt'])
@Index('justifications_status_idx', ['status', 'createdAt'])
@Check('justifications_type_check', `"type" IN ('absence', 'late')`)
@Check('justifications_status_check', `"status" IN ('pending', 'approved', 'rejected', 'withdrawn')`)
export class JustificationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'justifications_pkey' })
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  @Column({ type: 'varchar', length: 16 })
  type: JustificationType;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: JustificationStatus;

  /** Random storage key; never the user's file name. */
  @Column({ name: 'document_key', type: 'varchar', length: 100, nullable: true })
  documentKey: string | null;

  /** Sanitised original name, only for the download's Content-Disposition. */
  @Column({ name: 'document_name', type: 'varchar', length: 255, nullable: true })
  documentName: string | null;

  @Column({ name: 'document_type', type: 'varchar', length: 64, nullable: true })
  documentType: string | null;

  @Column({ name: 'document_size', type: 'integer', nullable: true })
  documentSize: number | null;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId: string | null;

  @Column({ name: 'review_comment', type: 'varchar', length: 1000, nullable: true })
  reviewComment: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @ManyToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'justifications_session_id_fkey' })
  session?: ClassSessionEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'justifications_student_id_fkey' })
  student?: UserEntity;

  @ActingUserRelation('reviewer_id', 'justifications_reviewer_id_fkey')
  reviewer?: UserEntity;
}
