import type { EntityManager } from 'typeorm';
import type { EnrollmentEntity } from '../courses/course.entity.js';
import type { UserEntity } from './user.entity.js';

type Db = Pick<EntityManager, 'query'>;

/** One row of a CSV import, ready to insert (the password already hashed). */
export type ImportedUser = Pick<UserEntity, 'email' | 'fullName' | 'role' | 'passwordHash' | 'studentNumber'>;

/**
 * Inserts the imported users in one statement (thousands of rows: one round trip, no per-row parameters), each one
 * obliged to change the temporary password at first sign-in.
 */
export async function insertImportedUsers(db: Db, users: ImportedUser[]): Promise<Pick<UserEntity, 'id' | 'email'>[]> {
  return db.query(
    `INSERT INTO users (email, full_name, role, password_hash, student_number, must_change_password)
     SELECT e, n, r, h, s, true FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(e, n, r, h, s)
     RETURNING id, email`,
    [
      users.map((u) => u.email),
      users.map((u) => u.fullName),
      users.map((u) => u.role),
      users.map((u) => u.passwordHash),
      users.map((u) => u.studentNumber),
    ],
  );
}

/**
 * Enrolls students in courses named by code, in one statement; pairs whose code matches no course or that are
 * already enrolled are skipped. Returns the enrollments made.
 */
export async function enrollByCourseCode(
  db: Db,
  pairs: readonly (readonly [studentId: string, courseCode: string])[],
): Promise<Pick<EnrollmentEntity, 'courseId' | 'studentId'>[]> {
  return db.query(
    `INSERT INTO enrollments (course_id, student_id, source)
     SELECT c.id, t.sid, 'import' FROM unnest($1::uuid[], $2::text[]) AS t(sid, code) JOIN courses c ON c.code = t.code
     ON CONFLICT DO NOTHING RETURNING course_id AS "courseId", student_id AS "studentId"`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}
