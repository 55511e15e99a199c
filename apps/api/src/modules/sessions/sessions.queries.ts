import type { EntityManager } from 'typeorm';

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
