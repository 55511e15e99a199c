import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import { HolidayEntity } from './holiday.entity.js';

type Db = DataSource | EntityManager;

/** The school's holidays from `from` to `to` ("YYYY-MM-DD", inclusive) as date → name. */
export async function holidaysBetween(db: Db, from: string, to: string): Promise<Map<string, string>> {
  // An impossible date (2030-02-30) is the series check's to report, not the database's.
  if (!DateTime.fromISO(from).isValid || !DateTime.fromISO(to).isValid) return new Map();
  const rows = await db
    .getRepository(HolidayEntity)
    .createQueryBuilder('h')
    .where('h.date BETWEEN :from AND :to', { from, to })
    .getMany();
  return new Map(rows.map((h) => [h.date, h.name]));
}

export interface SessionOnDateRow {
  id: string;
  course_id: string;
  course_code: string;
  title: string | null;
  starts_at: Date;
  ends_at: Date;
  timezone: string;
}

/**
 * The sessions held on a local date (each in its course's time zone) that could still be cancelled: neither closed
 * nor cancelled.
 */
export async function findCancellableSessionsOn(db: Db, date: string): Promise<SessionOnDateRow[]> {
  return db.query(
    `SELECT s.id, s.course_id, c.code AS course_code, s.title, s.starts_at, s.ends_at, c.timezone
       FROM class_sessions s JOIN courses c ON c.id = s.course_id
      WHERE (s.starts_at AT TIME ZONE c.timezone)::date = $1::date
        AND s.state NOT IN ('closed', 'cancelled')
      ORDER BY s.starts_at, c.code, s.id`,
    [date],
  );
}
