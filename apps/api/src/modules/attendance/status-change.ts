import type { AttendanceSource, AttendanceStatus, AttendanceUpdatedPayload } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';

export interface StatusChange {
  sessionId: string;
  studentId: string;
  to: AttendanceStatus;
  source: AttendanceSource;
  /** Who made the change (null for the system, e.g. auto-close). */
  actorId: string | null;
  /** Why (teacher's note, justification id, …); kept in the event log. */
  reason?: string | null;
  /** Also store as the record's note (teacher overrides). */
  note?: string | null;
  /** Mark the record validated by the actor. */
  validate?: boolean;
}

export interface AppliedChange extends AttendanceUpdatedPayload {
  changed: boolean;
}

/**
 * The one way to change an attendance status outside the check-in hot path: upserts the record and appends an
 * attendance_events row in the caller's transaction (both or neither). Returns the payload to push as
 * `attendance.updated` after commit; `changed` is false when the status was already `to` (no event written).
 */
export async function applyStatusChange(m: EntityManager, c: StatusChange): Promise<AppliedChange> {
  const rows: { previous: AttendanceStatus | null; status: AttendanceStatus }[] = await m.query(
    `WITH prev AS (
       SELECT status FROM attendance_records WHERE session_id = $1 AND student_id = $2 FOR UPDATE
     ), up AS (
       INSERT INTO attendance_records (session_id, student_id, status, source, validated_at, validated_by, note)
       VALUES ($1, $2, $3, $4, CASE WHEN $6 THEN now() END, CASE WHEN $6 THEN $5::uuid END, $7)
       ON CONFLICT (session_id, student_id) DO UPDATE
         SET status = EXCLUDED.status,
             source = EXCLUDED.source,
             validated_at = CASE WHEN $6 THEN now() ELSE attendance_records.validated_at END,
             validated_by = CASE WHEN $6 THEN $5::uuid ELSE attendance_records.validated_by END,
             note = COALESCE($7, attendance_records.note),
             updated_at = now()
       RETURNING status
     )
     SELECT (SELECT status FROM prev) AS previous, (SELECT status FROM up) AS status`,
    [c.sessionId, c.studentId, c.to, c.source, c.actorId, c.validate ?? false, c.note ?? null],
  );
  const previous = rows[0]?.previous ?? null;
  const changed = previous !== c.to;
  if (changed) {
    await m.query(
      `INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.sessionId, c.studentId, previous, c.to, c.source, c.actorId, c.reason ?? c.note ?? null],
    );
  }
  return { sessionId: c.sessionId, studentId: c.studentId, status: c.to, previousStatus: previous, source: c.source, changed };
}
