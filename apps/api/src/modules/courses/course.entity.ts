import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { LocationMode } from '@sysponto/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '../../database/columns.js';
import { UserEntity } from '../users/user.entity.js';

@Entity({ name: 'courses' })
@Check('courses_rotating_interval_check', `"rotating_interval_seconds" BETWEEN 5 AND 60`)
@Check('courses_rotating_grace_check', `"rotating_grace_seconds" BETWEEN 0 AND 10`)
@Check('courses_location_mode_check', `"location_mode" IN ('off', 'flag', 'require')`)
@Check('courses_location_radius_check', `"location_radius_meters" BETWEEN 20 AND 500`)
export class CourseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'courses_pkey' })
  id: string;

  /** Upper-case, unique (e.g. CS101). */
  @Index('courses_code_key', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  /** IANA time zone, e.g. Europe/Lisbon. */
  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  @Index('courses_join_code_key', { unique: true })
  @Column({ name: 'join_code', type: 'varchar', length: 12, nullable: true })
  joinCode: string | null;

  @Column({ name: 'join_code_enabled', type: 'boolean', default: true })
  joinCodeEnabled: boolean;

  @Column({ name: 'code_validity_minutes', type: 'integer', default: 10 })
  codeValidityMinutes: number;

  @Column({ name: 'late_after_minutes', type: 'integer', default: 10 })
  lateAfterMinutes: number;

  @Column({ name: 'checkin_opens_minutes', type: 'integer', default: 15 })
  checkinOpensMinutes: number;

  @Column({ name: 'requires_validation', type: 'boolean', default: true })
  requiresValidation: boolean;

  /** Rotating codes change every N seconds (5–60). A code keeps the interval it was generated with. */
  @Column({ name: 'rotating_interval_seconds', type: 'integer', default: 15 })
  rotatingIntervalSeconds: number;

  /** The previous rotating code is still accepted this many seconds into the next interval (0–10). */
  @Column({ name: 'rotating_grace_seconds', type: 'integer', default: 3 })
  rotatingGraceSeconds: number;

  /** In-room check: off | flag | require. */
  @Column({ name: 'location_mode', type: 'varchar', length: 8, default: 'off' })
  locationMode: LocationMode;

  @Column({ name: 'location_radius_meters', type: 'integer', default: 80 })
  locationRadiusMeters: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

@Entity({ name: 'course_teachers' })
@Index('course_teachers_teacher_id_idx', ['teacherId', 'courseId'])
export class CourseTeacherEntity {
  @PrimaryColumn({ name: 'course_id', type: 'uuid', primaryKeyConstraintName: 'course_teachers_pkey' })
  courseId: string;

  @PrimaryColumn({ name: 'teacher_id', type: 'uuid', primaryKeyConstraintName: 'course_teachers_pkey' })
  teacherId: string;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => CourseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'course_teachers_course_id_fkey' })
  course?: CourseEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'course_teachers_teacher_id_fkey' })
  teacher?: UserEntity;
}

/**
 * One enrollment period of a student in a course: `enrolledAt` … `endedAt` (null while enrolled). Unenrolling ends
 * the period (the row stays, so past records and rates stay); re-enrolling starts a new period. "Enrolled now" is
 * `ended_at IS NULL` (at most one such row per course and student: `enrollments_active_key`). Who is expected at a
 * session is the `attendance_expected` view (migration 1796161550605-EnrollmentHistory).
 */
@Entity({ name: 'enrollments' })
@Index('enrollments_student_id_idx', ['studentId', 'courseId'])
@Index('enrollments_course_id_idx', ['courseId', 'studentId', 'enrolledAt'])
@Index('enrollments_active_key', ['courseId', 'studentId'], { unique: true, where: '"ended_at" IS NULL' })
@Check('enrollments_period_check', `"ended_at" IS NULL OR "ended_at" >= "enrolled_at"`)
export class EnrollmentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'enrollments_pkey' })
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  /** admin | teacher | join-code | import */
  @Column({ type: 'varchar', length: 16, default: 'admin' })
  source: string;

  /** Start of the period: the student is expected at sessions starting from here. */
  @Column({ name: 'enrolled_at', type: 'timestamptz', default: () => 'now()' })
  enrolledAt: Date;

  /** End of the period (unenrolled); null while enrolled. */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @ManyToOne(() => CourseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'enrollments_course_id_fkey' })
  course?: CourseEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'enrollments_student_id_fkey' })
  student?: UserEntity;
}
