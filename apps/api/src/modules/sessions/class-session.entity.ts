import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionState } from '@sysponto/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '../../database/columns.js';
import { CourseEntity } from '../courses/course.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

@Entity({ name: 'class_sessions' })
@Index('class_sessions_course_id_starts_at_idx', ['courseId', 'startsAt'])
@Index('class_sessions_state_ends_at_idx', ['state', 'endsAt'])
@Check('class_sessions_state_check', `"state" IN ('scheduled', 'open', 'closed', 'cancelled')`)
@Check('class_sessions_time_check', `"ends_at" > "starts_at"`)
export class ClassSessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'class_sessions_pkey' })
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  /** Shared by the sessions of one weekly series. */
  @Index('class_sessions_series_id_idx')
  @Column({ name: 'series_id', type: 'uuid', nullable: true })
  seriesId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  room: string | null;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** Stored state; "open" for check-in is derived from the time window unless closed. */
  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  state: SessionState;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  /**
   * The last reopening of a closed session. One reopened after its end stays open for its teacher to close (like a
   * session recorded afterwards); one reopened during the class closes automatically at its end.
   */
  @Column({ name: 'reopened_at', type: 'timestamptz', nullable: true })
  reopenedAt: Date | null;

  @Column({ name: 'reopened_by', type: 'uuid', nullable: true })
  reopenedBy: string | null;

  /** Cancelled sessions (state `cancelled`) are never held and never counted. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancelled_by', type: 'uuid', nullable: true })
  cancelledBy: string | null;

  /** Why it was cancelled (shown to the students). */
  @Column({ name: 'cancel_reason', type: 'varchar', length: 500, nullable: true })
  cancelReason: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @ManyToOne(() => CourseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'class_sessions_course_id_fkey' })
  course?: CourseEntity;

  @ActingUserRelation('closed_by', 'class_sessions_closed_by_fkey')
  closer?: UserEntity;

  @ActingUserRelation('reopened_by', 'class_sessions_reopened_by_fkey')
  reopener?: UserEntity;

  @ActingUserRelation('cancelled_by', 'class_sessions_cancelled_by_fkey')
  canceller?: UserEntity;
}
