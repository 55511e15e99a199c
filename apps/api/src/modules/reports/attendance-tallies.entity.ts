import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The tallies of closed sessions (issue 15; migration AttendanceTallies). Written only by the database: the triggers
 * on attendance_records, class_sessions and enrollments call attendance_tallies_refresh() (database/functions), so
 * every writer keeps them true. Read by the course report, the admin overview and attendance.csv when no date range
 * is asked (rates.queries.ts); test/attendance-tallies.e2e-spec.ts compares them with attendance_expected.
 */

/** The rows of attendance_expected for closed sessions (held, so `outcome` is never null). */
@Entity({ name: 'attendance_closed_rows' })
@Index('attendance_closed_rows_course_idx', ['courseId', 'studentId', 'startsAt', 'sessionId'])
export class AttendanceClosedRowEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'attendance_closed_rows_pkey' })
  sessionId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid', primaryKeyConstraintName: 'attendance_closed_rows_pkey' })
  studentId: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  /** The check-in minute's bucket (BUCKET_OF in report-sql.ts); null without a check-in time. */
  @Column({ type: 'smallint', nullable: true })
  bucket: number | null;
}

/** The six counts both tallies keep (one column each; TypeORM copies an abstract base's columns into each table). */
export abstract class AttendanceCounts {
  @Column({ type: 'integer' })
  held: number;

  @Column({ type: 'integer' })
  present: number;

  @Column({ type: 'integer' })
  late: number;

  @Column({ type: 'integer' })
  absent: number;

  @Column({ type: 'integer' })
  excused: number;

  @Column({ type: 'integer' })
  pending: number;
}

/** Per (course, student): counts over the closed sessions where the student was expected. */
@Entity({ name: 'attendance_student_tallies' })
export class AttendanceStudentTallyEntity extends AttendanceCounts {
  @PrimaryColumn({ name: 'course_id', type: 'uuid', primaryKeyConstraintName: 'attendance_student_tallies_pkey' })
  courseId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid', primaryKeyConstraintName: 'attendance_student_tallies_pkey' })
  studentId: string;
}

/** Per closed session: the same counts over its expected students, and the check-in buckets. */
@Entity({ name: 'attendance_session_tallies' })
@Index('attendance_session_tallies_course_idx', ['courseId'])
export class AttendanceSessionTallyEntity extends AttendanceCounts {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'attendance_session_tallies_pkey' })
  sessionId: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  /** Check-ins per bucket (CHECK_IN_THRESHOLDS.length + 1 entries). */
  @Column({ type: 'integer', array: true })
  buckets: number[];
}
