import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

@Entity({ name: 'courses' })
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ name: 'course_teachers' })
@Index('course_teachers_teacher_id_idx', ['teacherId', 'courseId'])
export class CourseTeacherEntity {
  @PrimaryColumn({ name: 'course_id', type: 'uuid', primaryKeyConstraintName: 'course_teachers_pkey' })
  courseId: string;

  @PrimaryColumn({ name: 'teacher_id', type: 'uuid', primaryKeyConstraintName: 'course_teachers_pkey' })
  teacherId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CourseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'course_teachers_course_id_fkey' })
  course?: CourseEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'course_teachers_teacher_id_fkey' })
  teacher?: UserEntity;
}

@Entity({ name: 'enrollments' })
@Index('enrollments_student_id_idx', ['studentId', 'courseId'])
export class EnrollmentEntity {
  @PrimaryColumn({ name: 'course_id', type: 'uuid', primaryKeyConstraintName: 'enrollments_pkey' })
  courseId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid', primaryKeyConstraintName: 'enrollments_pkey' })
  studentId: string;

  /** admin | teacher | join-code | import */
  @Column({ type: 'varchar', length: 16, default: 'admin' })
  source: string;

  @CreateDateColumn({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt: Date;

  @ManyToOne(() => CourseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'enrollments_course_id_fkey' })
  course?: CourseEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'enrollments_student_id_fkey' })
  student?: UserEntity;
}
