import type { AttendanceStatus } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import type { ClassSessionEntity } from '../sessions/class-session.entity.js';

/** The bulk statements of the Moodle import (tables: class-session.entity.ts, attendance-record.entity.ts). */

type Db = Pick<EntityManager, 'query'>;

export interface ImportedSession {
  startsAt: Date;
  endsAt: Date;
  title: string | null;
}

export interface ImportedRecord {
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  note: string | null;
}

/** Start times among `starts` at which the course already has a (not cancelled) session. */
export async function existingSessionStarts(db: Db, courseId: string, starts: Date[]): Promise<Set<number>> {
  if (!starts.length) return new Set();
  const rows: Pick<ClassSessionEntity, 'startsAt'>[] = await db.query(
    `SELECT starts_at AS "startsAt" FROM class_sessions
      WHERE course_id = $1 AND state <> 'cancelled' AND starts_at = ANY($2::timestamptz[])`,
    [courseId, starts],
  );
  return new Set(rows.map((r) => new Date(r.startsAt).getTime()));
}

/** Creates the sessions closed (by the importer, now), in one statement; ids in the order given. */
export async function insertClosedSessions(
  db: Db,
  courseId: string,
  actorId: string,
  sessions: ImportedSession[],
): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state, closed_at, closed_by)
     SELECT $1, t.title, t.starts_at, t.ends_at, 'closed', now(), $2
       FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS t(title, starts_at, ends_at, n)
      ORDER BY t.n
     RETURNING id`,
    [courseId, actorId, sessions.map((s) => s.title), sessions.map((s) => s.startsAt), sessions.map((s) => s.endsAt)],
  );
  return rows.map((r) => r.id);
}

/**
 * The records, source `import`, validated by the importer, with their attendance_events rows (from nothing to the
 * status), in one statement. Returns how many were written.
 */
export async function insertImportedRecords(db: Db, actorId: string, records: ImportedRecord[]): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `WITH ins AS (
       INSERT INTO attendance_records (session_id, student_id, status, source, validated_at, validated_by, note)
       SELECT t.session_id, t.student_id, t.status, 'import', now(), $1, t.note
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS t(session_id, student_id, status, note)
       RETURNING session_id, student_id, status
     ), ev AS (
       INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
       SELECT session_id, student_id, NULL, status, 'import', $1, 'Moodle import' FROM ins
     )
     SELECT count(*)::int AS n FROM ins`,
    [
      actorId,
      records.map((r) => r.sessionId),
      records.map((r) => r.studentId),
      records.map((r) => r.status),
      records.map((r) => r.note),
    ],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Moves the start of each student's current enrollment back to `from` (their first imported session) when it began
 * later — never before the end of an earlier period of theirs — so the imported sessions count in their rates.
 * Returns the students whose enrollment moved.
 */
export async function backdateEnrollments(
  db: Db,
  courseId: string,
  firsts: { studentId: string; from: Date }[],
): Promise<string[]> {
  if (!firsts.length) return [];
  const rows: { student_id: string }[] = await db.query(
    `UPDATE enrollments e
        SET enrolled_at = GREATEST(t.first_at, COALESCE((
              SELECT max(p.ended_at) FROM enrollments p
               WHERE p.course_id = e.course_id AND p.student_id = e.student_id AND p.ended_at IS NOT NULL), t.first_at))
       FROM unnest($2::uuid[], $3::timestamptz[]) AS t(student_id, first_at)
      WHERE e.course_id = $1 AND e.student_id = t.student_id AND e.ended_at IS NULL AND e.enrolled_at > t.first_at
     RETURNING e.student_id`,
    [courseId, firsts.map((f) => f.studentId), firsts.map((f) => f.from)],
  );
  return rows.map((r) => r.student_id);
}
