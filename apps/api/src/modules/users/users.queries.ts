import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../database/pg-pool.js';
import type { EnrollmentEntity } from '../courses/course.entity.js';
import { UserEntity } from './user.entity.js';

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

/** A user as read for display (every selectable column; never the password hash). */
export type UserView = Omit<UserEntity, 'passwordHash'>;

/**
 * GET /api/me's primary-key read, on every page load: one named prepared statement whose select list comes from the
 * entity's metadata (columns aliased to the entity's property names), so the entity stays the one declaration of the
 * table and the row is already entity-shaped. TypeORM's findOne cost a third of the route's CPU.
 */
export function userByIdReader(dataSource: DataSource): (id: string) => Promise<UserView | undefined> {
  const meta = dataSource.getMetadata(UserEntity);
  const columns = meta.columns
    .filter((c) => c.isSelect)
    .map((c) => `"${c.databaseName}" AS "${c.propertyName}"`)
    .join(', ');
  const text = `SELECT ${columns} FROM "${meta.tableName}" WHERE "id" = $1`;
  return async (id) => {
    const { rows } = await preparedQuery<UserView>(dataSource, 'users.by-id', text, [id]);
    return rows[0];
  };
}

/** What a user's deletion would erase from the school's records (attendance, justifications, held sessions taught). */
export interface UserHistory {
  attendanceRecords: number;
  justifications: number;
  /** Closed sessions of the courses the user teaches, and attendance changes the user made. */
  taughtSessions: number;
}

export async function userHistory(db: Db, userId: string): Promise<UserHistory> {
  const [row]: UserHistory[] = await db.query(
    `SELECT (SELECT count(*)::int FROM attendance_records WHERE student_id = $1) AS "attendanceRecords",
            (SELECT count(*)::int FROM justifications WHERE student_id = $1) AS "justifications",
            (SELECT count(*)::int FROM class_sessions s JOIN course_teachers ct ON ct.course_id = s.course_id
              WHERE ct.teacher_id = $1 AND s.state = 'closed')
          + (SELECT count(DISTINCT session_id)::int FROM attendance_events WHERE actor_id = $1) AS "taughtSessions"`,
    [userId],
  );
  return row;
}

/**
 * Keeps the user's records under an anonymous name: email, name and student number scrubbed, the account inactive
 * with an unusable password; what only served the person (sign-ins, reset links, feeds, keys, notifications, unsent
 * mail, device fingerprints) is deleted. Enrollments, attendance and justifications stay, so every rate is unchanged.
 */
export async function anonymizeUser(db: Db, userId: string, unusableHash: string, oldEmail: string): Promise<void> {
  await db.query(
    `UPDATE users SET email = 'anonymized-' || id || '@sysponto.invalid', full_name = 'Anonymized user ' || left(id::text, 8),
            student_number = NULL, active = false, must_change_password = false, digest_opt_in = false,
            password_hash = $2, updated_at = now()
      WHERE id = $1`,
    [userId, unusableHash],
  );
  const personal = [
    ['refresh_tokens', 'user_id'],
    ['password_reset_tokens', 'user_id'],
    ['calendar_feeds', 'user_id'],
    ['notifications', 'user_id'],
    ['api_keys', 'owner_id'],
    ['attendance_device_hashes', 'student_id'],
  ] as const;
  for (const [table, column] of personal) await db.query(`DELETE FROM ${table} WHERE ${column} = $1`, [userId]);
  await db.query(`DELETE FROM mail_outbox WHERE lower(recipient) = lower($1) AND status IN ('pending', 'failed')`, [
    oldEmail,
  ]);
}
