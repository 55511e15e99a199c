import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The device a student checked in from, as a keyed hash that is different in every session:
 * HMAC(HMAC(server secret, device id), session id). The device id itself is never stored, and two sessions' hashes of
 * one device cannot be linked without the server secret. Deleted 30 days after the session (the privacy purge).
 */
@Entity({ name: 'attendance_device_hashes' })
@Index('attendance_device_hashes_session_id_device_hash_idx', ['sessionId', 'deviceHash'])
export class AttendanceDeviceHashEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'attendance_device_hashes_pkey' })
  sessionId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid', primaryKeyConstraintName: 'attendance_device_hashes_pkey' })
  studentId: string;

  @Column({ name: 'device_hash', type: 'bytea' })
  deviceHash: Buffer;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'attendance_device_hashes_session_id_fkey' })
  session?: ClassSessionEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'attendance_device_hashes_student_id_fkey' })
  student?: UserEntity;
}
