import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { CourseEntity } from '../courses/course.entity.js';
import { ClassSessionEntity } from './class-session.entity.js';

type Db = Pick<EntityManager, 'query'>;

export interface CancelledSessionRow {
  id: string;
  course_id: string;
  course_code: string;
  title: string | null;
  starts_at: Date;
  timezone: string;
  /** The start as a local "YYYY-MM-DD HH:mm" in the course zone. */
  local_start: string;
  cancel_reason: string;
  /** Students enrolled now: the ones to tell. */
  student_ids: string[];
}

/**
 * Cancels the sessions among `ids` that are neither closed nor cancelled (one statement: state, who, when, why, and
 * their live codes revoked) and returns them with the students to tell.
 */
export async function cancelSessionRows(
  db: Db,
  ids: string[],
  actorId: string,
  reason: string,
): Promise<CancelledSessionRow[]> {
  return db.query(
    `WITH c AS (
       UPDATE class_sessions s
          SET state = 'cancelled', cancelled_at = now(), cancelled_by = $2, cancel_reason = $3, updated_at = now()
        WHERE s.id = ANY($1::uuid[]) AND s.state NOT IN ('closed', 'cancelled')
        RETURNING s.id, s.course_id, s.title, s.starts_at, s.cancel_reason
     ), revoked AS (
       UPDATE attendance_codes SET revoked_at = now() WHERE session_id IN (SELECT id FROM c) AND revoked_at IS NULL
     )
     SELECT c.id, c.course_id, co.code AS course_code, c.title, c.starts_at, co.timezone, c.cancel_reason,
            to_char(c.starts_at AT TIME ZONE co.timezone, 'YYYY-MM-DD HH24:MI') AS local_start,
            coalesce((SELECT array_agg(e.student_id ORDER BY e.student_id) FROM enrollments e
                       WHERE e.course_id = c.course_id AND e.ended_at IS NULL), '{}') AS student_ids
       FROM c JOIN courses co ON co.id = c.course_id
      ORDER BY c.starts_at, c.id`,
    [ids, actorId, reason],
  );
}

/** A session with the columns of its course the API shows beside it. */
export type SessionView = ClassSessionEntity & {
  course: Pick<CourseEntity, 'id' | 'code' | 'name' | 'timezone' | 'checkinOpensMinutes'>;
};

/** The sessions query (alias `s`, its course joined as `c`) for the caller to filter and order. */
export function sessionsQuery(m: EntityManager): SelectQueryBuilder<ClassSessionEntity> {
  return m
    .getRepository(ClassSessionEntity)
    .createQueryBuilder('s')
    .innerJoin('s.course', 'c')
    .addSelect(['c.id', 'c.code', 'c.name', 'c.timezone', 'c.checkinOpensMinutes']);
}

/** Moves each of `planned` to its new times and sets the title/room on all of them when given, in one statement. */
export async function updateSessionTimes(
  db: Db,
  planned: { id: string; startsAt: Date; endsAt: Date }[],
  set: { title?: string | null; room?: string | null },
): Promise<void> {
  await db.query(
    `UPDATE class_sessions s
        SET starts_at = v.s, ends_at = v.e,
            title = CASE WHEN $4::boolean THEN $5::varchar ELSE s.title END,
            room = CASE WHEN $6::boolean THEN $7::varchar ELSE s.room END,
            updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS v(id, s, e)
      WHERE s.id = v.id`,
    [
      planned.map((p) => p.id),
      planned.map((p) => p.startsAt.toISOString()),
      planned.map((p) => p.endsAt.toISOString()),
      set.title !== undefined,
      set.title ?? null,
      set.room !== undefined,
      set.room ?? null,
    ],
  );
}

/** The ids among `ids` that have attendance records or justifications (deleting them would lose those). */
export async function sessionsWithAttendance(db: Db, ids: string[]): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT s.id FROM unnest($1::uuid[]) AS s(id)
      WHERE EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = s.id)
         OR EXISTS (SELECT 1 FROM justifications j WHERE j.session_id = s.id)`,
    [ids],
  );
  return rows.map((r) => r.id);
}
