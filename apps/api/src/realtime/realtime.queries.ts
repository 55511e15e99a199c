import type { EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/** A session's course and the students enrolled in it now (null when the session does not exist). */
export async function sessionAudience(
  db: Db,
  sessionId: string,
): Promise<{ courseId: string; studentIds: string[] } | null> {
  const rows: { course_id: string; student_ids: string[] }[] = await db.query(
    `SELECT s.course_id, coalesce(array_agg(e.student_id) FILTER (WHERE e.student_id IS NOT NULL), '{}') AS student_ids
       FROM class_sessions s LEFT JOIN enrollments e ON e.course_id = s.course_id AND e.ended_at IS NULL
      WHERE s.id = $1 GROUP BY s.course_id`,
    [sessionId],
  );
  return rows[0] ? { courseId: rows[0].course_id, studentIds: rows[0].student_ids } : null;
}
