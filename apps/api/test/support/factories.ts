import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

/**
 * Small factories that write rows directly (fast, no HTTP): use them to set up what a test is not about.
 * Drive the behaviour under test through the API.
 */
export async function createCourse(
  t: TestApp,
  over: {
    code?: string;
    name?: string;
    timezone?: string;
    teacherIds?: string[];
    studentIds?: string[];
    joinCode?: string | null;
    codeValidityMinutes?: number;
    lateAfterMinutes?: number;
    checkinOpensMinutes?: number;
    requiresValidation?: boolean;
  } = {},
) {
  const code = over.code ?? `C${randomBytes(3).toString('hex').toUpperCase()}`;
  const [row] = await t.dataSource.query(
    `INSERT INTO courses (code, name, timezone, join_code, code_validity_minutes, late_after_minutes, checkin_opens_minutes, requires_validation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      code,
      over.name ?? `Course ${code}`,
      over.timezone ?? 'Europe/Lisbon',
      over.joinCode ?? null,
      over.codeValidityMinutes ?? 10,
      over.lateAfterMinutes ?? 10,
      over.checkinOpensMinutes ?? 15,
      over.requiresValidation ?? true,
    ],
  );
  const id = row.id as string;
  for (const teacherId of over.teacherIds ?? [])
    await t.dataSource.query(`INSERT INTO course_teachers (course_id, teacher_id) VALUES ($1, $2)`, [id, teacherId]);
  await enroll(t, id, over.studentIds ?? []);
  return { id, code };
}

/**
 * Enrolls students directly. By default since 2000-01-01, so fixtures with past sessions count them there (a student
 * is expected only at sessions that start while enrolled); pass `at` to test the enrollment window.
 */
export async function enroll(
  t: TestApp,
  courseId: string,
  studentIds: string[],
  at = new Date('2000-01-01T00:00:00Z'),
) {
  if (studentIds.length === 0) return;
  await t.dataSource.query(
    `INSERT INTO enrollments (course_id, student_id, enrolled_at) SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING`,
    [courseId, studentIds, at],
  );
}

/** A session; by default open now (started 5 minutes ago, ends in 85). */
export async function createSession(
  t: TestApp,
  courseId: string,
  over: {
    startsAt?: Date;
    endsAt?: Date;
    state?: 'scheduled' | 'open' | 'closed' | 'cancelled';
    title?: string;
    seriesId?: string;
  } = {},
) {
  const startsAt = over.startsAt ?? new Date(Date.now() - 5 * 60_000);
  const endsAt = over.endsAt ?? new Date(startsAt.getTime() + 90 * 60_000);
  const [row] = await t.dataSource.query(
    `INSERT INTO class_sessions (course_id, starts_at, ends_at, state, title, series_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [courseId, startsAt, endsAt, over.state ?? 'scheduled', over.title ?? null, over.seriesId ?? null],
  );
  return { id: row.id as string, courseId, startsAt, endsAt };
}

/** An attendance record written directly (for history fixtures). */
export async function createRecord(
  t: TestApp,
  sessionId: string,
  studentId: string,
  status: 'pending' | 'present' | 'late' | 'absent' | 'excused',
  over: { source?: string; checkedInAt?: Date | null } = {},
) {
  await t.dataSource.query(
    `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at) VALUES ($1, $2, $3, $4, $5)`,
    [
      sessionId,
      studentId,
      status,
      over.source ?? 'code',
      over.checkedInAt === undefined ? new Date() : over.checkedInAt,
    ],
  );
}

/**
 * Waits until every committed record write is below the changes feed's horizon (no older transaction still running),
 * so a feed read sees all of them.
 */
export async function settleChangesFeed(t: TestApp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [r]: { ok: boolean }[] = await t.dataSource.query(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > coalesce(max(change_seq), 0) AS ok FROM attendance_records`,
    );
    if (r.ok) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}
