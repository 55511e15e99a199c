import type { EntityManager } from 'typeorm';
import type { CourseEntity } from '../courses/course.entity.js';
import type { ClassSessionEntity } from '../sessions/class-session.entity.js';

/** What closing a session returns: the session and course fields the notices, webhook and answer need. */
export type ClosedSession = Pick<ClassSessionEntity, 'courseId' | 'title' | 'startsAt' | 'endsAt' | 'closedAt'> &
  Pick<CourseEntity, 'code' | 'timezone'> & {
    /** The late threshold: starts_at + the course's late_after_minutes. */
    lateAt: Date;
  };

/**
 * Marks the session closed by `actorId` (null: auto-close) in one statement, if it is neither closed nor cancelled
 * and its check-in has opened (`session_checkin_opens_at()`). Only one closer wins, on any number of replicas: null
 * for the others.
 */
export async function closeSessionRow(
  m: EntityManager,
  sessionId: string,
  actorId: string | null,
): Promise<ClosedSession | null> {
  const [s]: ClosedSession[] = await m.query(
    // (WITH … SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
    `WITH closed AS (
       UPDATE class_sessions s SET state = 'closed', closed_at = now(), closed_by = $2, updated_at = now()
         FROM courses c
        WHERE s.id = $1 AND c.id = s.course_id AND s.state NOT IN ('closed', 'cancelled')
          AND now() >= session_checkin_opens_at(s.starts_at, c.checkin_opens_minutes)
        RETURNING s.course_id AS "courseId", c.code, s.title, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
                  s.starts_at + make_interval(mins => c.late_after_minutes) AS "lateAt", c.timezone,
                  s.closed_at AS "closedAt"
     )
     SELECT * FROM closed`,
    [sessionId, actorId],
  );
  return s ?? null;
}
