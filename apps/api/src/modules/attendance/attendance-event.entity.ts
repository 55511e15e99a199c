import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import { CreatedAtColumn } from '../../database/columns.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/** Append-only log of every attendance status change: never updated, never deleted by the app. */
@Entity({ name: 'attendance_events' })
@Index('attendance_events_session_id_idx', ['sessionId', 'studentId', 'createdAt'])
export class AttendanceEventEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'attendance_events_pkey' })
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus: AttendanceStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus: AttendanceStatus;

  @Column({ type: 'varchar', length: 16 })
  source: AttendanceSource;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'attendance_events_session_id_fkey' })
  session?: ClassSessionEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'attendance_events_student_id_fkey' })
  student?: UserEntity;

  @ActingUserRelation('actor_id', 'attendance_events_actor_id_fkey')
  actor?: UserEntity;
}
