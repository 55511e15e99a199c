import type { SessionState } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import { HELD, inRange } from './report-sql.js';
import type { Range } from './rates.queries.js';

type Db = Pick<EntityManager, 'query'>;

/** A session of the course report, with whether it is held (the one rule, `attendance_session_held`). */
export interface ReportSessionRow {
  id: string;
  title: string | null;
  room: string | null;
  starts_at: Date;
  ends_at: Date;
  state: SessionState;
  held: boolean;
}

/** The course's sessions starting within the range (local dates in `timezone`), by start. */
export async function reportSessions(
  db: Db,
  courseId: string,
  timezone: string,
  range: Range,
): Promise<ReportSessionRow[]> {
  return db.query(
    `SELECT s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, ${HELD} AS held
       FROM class_sessions s
      WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
      ORDER BY s.starts_at, s.id`,
    [courseId, range.from ?? null, range.to ?? null, timezone],
  );
}
