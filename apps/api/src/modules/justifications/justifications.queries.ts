import type { EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

/**
 * Whether the student was expected at the session: the `attendance_expected` view (enrolled when it started, never a
 * cancelled session), the one definition of who counts. A view has no entity, hence SQL.
 */
export async function wasExpectedAt(db: Db, sessionId: string, studentId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM attendance_expected WHERE session_id = $1 AND student_id = $2`,
    [sessionId, studentId],
  );
  return rows.length > 0;
}
