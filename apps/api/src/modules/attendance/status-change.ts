import type { AttendanceSource, AttendanceStatus, AttendanceUpdatedPayload } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import { enqueueWebhookEvent, enqueueWebhookEvents } from '../webhooks/webhooks.queries.js';

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
  /**
   * Keep an existing record's source (a teacher validating a code/QR check-in: the record stays `code`/`qr`, the
   * event says `teacher`). A new record gets `source`.
   */
  keepSource?: boolean;
  /**
   * When the change was made, if not now: a change recorded offline and sent later is logged at the time it was
   * made, so the "later change wins" rule compares like with like (see offline-change.ts).
   */
  at?: Date | null;
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
             source = CASE WHEN $8 THEN attendance_records.source ELSE EXCLUDED.source END,
             validated_at = CASE WHEN $6 THEN now() ELSE attendance_records.validated_at END,
             validated_by = CASE WHEN $6 THEN $5::uuid ELSE attendance_records.validated_by END,
             note = COALESCE($7, attendance_records.note),
             updated_at = now()
       RETURNING status
     )
     SELECT (SELECT status FROM prev) AS previous, (SELECT status FROM up) AS status`,
    [c.sessionId, c.studentId, c.to, c.source, c.actorId, c.validate ?? false, c.note ?? null, c.keepSource ?? false],
  );
  const previous = rows[0]?.previous ?? null;
  const changed = previous !== c.to;
  const payload = {
    sessionId: c.sessionId,
    studentId: c.studentId,
    status: c.to,
    previousStatus: previous,
    source: c.source,
  };
  if (changed) {
    await m.query(
      `INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::timestamptz, now()))`,
      [c.sessionId, c.studentId, previous, c.to, c.source, c.actorId, c.reason ?? c.note ?? null, c.at ?? null],
    );
    await enqueueWebhookEvent(m, 'attendance.updated', payload, c.sessionId);
  }
  return { ...payload, changed };
}

/**
 * Set-based form for closing and validate-all: every pending record of the session becomes present, or late when
 * checked in after `lateAfter`; validated by the actor; one event each. Returns the changes to push after commit.
 */
export async function validatePending(
  m: EntityManager,
  c: { sessionId: string; lateAfter: Date; source: AttendanceSource; actorId: string | null; reason: string },
): Promise<AppliedChange[]> {
  const rows: { student_id: string; status: AttendanceStatus }[] = await m.query(
    `WITH upd AS (
       UPDATE attendance_records r
          SET status = CASE WHEN r.checked_in_at > $2 THEN 'late' ELSE 'present' END,
              validated_at = now(), validated_by = $4, updated_at = now()
        WHERE r.session_id = $1 AND r.status = 'pending'
       RETURNING r.student_id, r.status
     ), ev AS (
       INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
       SELECT $1, student_id, 'pending', status, $3, $4, $5 FROM upd
     )
     SELECT student_id, status FROM upd`,
    [c.sessionId, c.lateAfter, c.source, c.actorId, c.reason],
  );
  const changes = rows.map((r) => ({
    sessionId: c.sessionId,
    studentId: r.student_id,
    status: r.status,
    previousStatus: 'pending' as const,
    source: c.source,
    changed: true,
  }));
  await enqueueAttendanceUpdated(m, changes);
  return changes;
}

/**
 * Set-based form for closing: every student expected at the session (`attendance_expected`: enrolled when it
 * started) without a record gets an `absent` record and one event — nobody who joined the course later or had left
 * it — or `excused` (source `justification`) when an absence justification of theirs for it was approved in advance.
 * Callers hold the session row lock, so no check-in slips in between.
 */
export async function markMissingAbsent(
  m: EntityManager,
  c: { sessionId: string; courseId: string; source: AttendanceSource; actorId: string | null; reason: string },
): Promise<AppliedChange[]> {
  const rows: { student_id: string; status: 'absent' | 'excused'; source: AttendanceSource }[] = await m.query(
    `WITH missing AS (
       SELECT x.student_id, j.id AS justification_id FROM attendance_expected x
         LEFT JOIN justifications j ON j.session_id = x.session_id AND j.student_id = x.student_id
                                   AND j.type = 'absence' AND j.status = 'approved'
        WHERE x.session_id = $1 AND x.course_id = $2 AND x.status IS NULL
     ), ins AS (
       INSERT INTO attendance_records (session_id, student_id, status, source, validated_at, validated_by)
       SELECT $1, student_id, CASE WHEN justification_id IS NULL THEN 'absent' ELSE 'excused' END,
              CASE WHEN justification_id IS NULL THEN $3 ELSE 'justification' END, now(), $4
         FROM missing
       ON CONFLICT (session_id, student_id) DO NOTHING
       RETURNING student_id, status, source
     ), ev AS (
       INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
       SELECT $1, ins.student_id, NULL, ins.status, ins.source, $4,
              CASE WHEN ins.status = 'excused' THEN 'Justification ' || missing.justification_id || ' (absence) approved in advance' ELSE $5 END
         FROM ins JOIN missing USING (student_id)
     )
     SELECT student_id, status, source FROM ins`,
    [c.sessionId, c.courseId, c.source, c.actorId, c.reason],
  );
  const changes: AppliedChange[] = rows.map((r) => ({
    sessionId: c.sessionId,
    studentId: r.student_id,
    status: r.status,
    previousStatus: null,
    source: r.source,
    changed: true,
  }));
  await enqueueAttendanceUpdated(m, changes);
  return changes;
}

/** The outbox side of a set-based change: one `attendance.updated` webhook event per record, in the same transaction. */
function enqueueAttendanceUpdated(m: EntityManager, changes: AppliedChange[]) {
  return enqueueWebhookEvents(
    m,
    'attendance.updated',
    changes.map(({ changed: _c, ...data }) => ({ data, orderingKey: data.sessionId })),
  );
}
