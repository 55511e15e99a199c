import type { EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/** A session that ended but was never closed, with how many there are in all. */
export interface UnclosedSessionRow {
  id: string;
  course_id: string;
  code: string;
  title: string | null;
  starts_at: Date;
  ends_at: Date;
  /** Every unclosed session, not only the `limit` returned. */
  total: number;
}

/** The first `limit` sessions that ended while still scheduled or open, oldest end first. */
export async function unclosedSessions(db: Db, limit: number): Promise<UnclosedSessionRow[]> {
  return db.query(
    `SELECT s.id, s.course_id, c.code, s.title, s.starts_at, s.ends_at, count(*) OVER ()::int AS total
       FROM class_sessions s JOIN courses c ON c.id = s.course_id
      WHERE s.state IN ('scheduled', 'open') AND s.ends_at <= now()
      ORDER BY s.ends_at, s.id
      LIMIT $1`,
    [limit],
  );
}
