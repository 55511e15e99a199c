import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AttendanceFlag, AttendanceSource, AttendanceStatus, LocationVerdict } from '@sysponto/contracts';
import { UpdatedAtColumn } from '../../database/columns.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/** One per (session, student). Written on the hot path with INSERT … ON CONFLICT, never save(). */
@Entity({ name: 'attendance_records' })
@Index('attendance_records_student_id_idx', ['studentId', 'sessionId'])
@Index('attendance_records_change_seq_idx', ['changeSeq', 'id'])
@Check('attendance_records_status_check', `"status" IN ('pending', 'present', 'late', 'absent', 'excused')`)
@Check(
  'attendance_records_source_check',
  `"source" IN ('code', 'qr', 'teacher', 'justification', 'auto-close', 'import')`,
)
@Check('attendance_records_location_verdict_check', `"location_verdict" IN ('in-range', 'out-of-range', 'unknown')`)
export class AttendanceRecordEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'attendance_records_pkey' })
  sessionId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid', primaryKeyConstraintName: 'attendance_records_pkey' })
  studentId: string;

  /** Stable id of the record (the changes feed's tiebreaker; the primary key stays (session, student)). */
  @Index('attendance_records_id_key', { unique: true })
  @Column({ type: 'uuid', generated: 'uuid' })
  id: string;

  /** Id of the transaction that last wrote the record (a trigger sets it): the changes feed's order. */
  @Column({ name: 'change_seq', type: 'bigint', default: 0 })
  changeSeq: string;

  @Column({ type: 'varchar', length: 16 })
  status: AttendanceStatus;

  @Column({ type: 'varchar', length: 16 })
  source: AttendanceSource;

  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true })
  checkedInAt: Date | null;

  @Column({ name: 'validated_at', type: 'timestamptz', nullable: true })
  validatedAt: Date | null;

  @Column({ name: 'validated_by', type: 'uuid', nullable: true })
  validatedBy: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  /** Integrity flags for the teacher to review (shared-device, location-…); they never block a check-in. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  flags: AttendanceFlag[];

  /** Flags a teacher cleared: not raised again on this record. */
  @Column({ name: 'cleared_flags', type: 'text', array: true, default: () => "'{}'" })
  clearedFlags: AttendanceFlag[];

  /** The in-room check's verdict at check-in (null when the course's location mode was off). Never coordinates. */
  @Column({ name: 'location_verdict', type: 'varchar', length: 16, nullable: true })
  locationVerdict: LocationVerdict | null;

  @UpdatedAtColumn()
  updatedAt: Date;

  @ManyToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'attendance_records_session_id_fkey' })
  session?: ClassSessionEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'attendance_records_student_id_fkey' })
  student?: UserEntity;

  @ActingUserRelation('validated_by', 'attendance_records_validated_by_fkey')
  validator?: UserEntity;
}
