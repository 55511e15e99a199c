import type { AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import type { AttendanceRecordEntity } from './attendance-record.entity.js';

/** The record side of one status change (see applyStatusChange in status-change.ts). */
export interface RecordStatusWrite {
  sessionId: string;
  studentId: string;
  to: AttendanceStatus;
  source: AttendanceSource;
  actorId: string | null;
  /** Mark the record validated by the actor. */
  validate: boolean;
  /** Store as the record's note (null keeps the current one). */
  note: string | null;
  /** Keep an existing record's source. */
  keepSource: boolean;
}

/**
 * Upserts the record of one student at one session in one statement, holding its row lock; returns the status it had
 * before (null: no record) so the caller can log the change.
 */
export async function upsertRecordStatus(
  m: EntityManager,
  w: RecordStatusWrite,
): Promise<{ previous: AttendanceStatus | null; status: AttendanceStatus }> {
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
    [w.sessionId, w.studentId, w.to, w.source, w.actorId, w.validate, w.note, w.keepSource],
  );
  return { previous: rows[0]?.previous ?? null, status: rows[0]?.status ?? w.to };
}

/** A record a set-based change wrote. */
export type WrittenRecord = Pick<AttendanceRecordEntity, 'studentId' | 'status' | 'source'>;

/**
 * Every pending record of the session becomes present, or late when checked in after `lateAfter`; validated by the
 * actor; one attendance event each, in one statement. Returns the records changed.
 */
export function validatePendingRecords(
  m: EntityManager,
  c: { sessionId: string; lateAfter: Date; source: AttendanceSource; actorId: string | null; reason: string },
): Promise<Pick<WrittenRecord, 'studentId' | 'status'>[]> {
  return m.query(
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
     SELECT student_id AS "studentId", status FROM upd`,
    [c.sessionId, c.lateAfter, c.source, c.actorId, c.reason],
  );
}

/**
 * Every student expected at the session (`attendance_expected`) without a record gets an `absent` record, or `excused`
 * (source `justification`) when an absence justification of theirs for it was approved; one attendance event each,
 * in one statement. Returns the records written.
 */
export function insertMissingAbsent(
  m: EntityManager,
  c: { sessionId: string; courseId: string; source: AttendanceSource; actorId: string | null; reason: string },
): Promise<WrittenRecord[]> {
  return m.query(
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
     SELECT student_id AS "studentId", status, source FROM ins`,
    [c.sessionId, c.courseId, c.source, c.actorId, c.reason],
  );
}

/** A `session reopened` event (status unchanged) for every record of the session, by the actor; returns how many. */
export async function logSessionReopened(m: EntityManager, sessionId: string, actorId: string): Promise<number> {
  const [row]: { n: number }[] = await m.query(
    `WITH ev AS (
       INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
       SELECT session_id, student_id, status, status, 'teacher', $2, 'session reopened'
         FROM attendance_records WHERE session_id = $1
       RETURNING 1
     ) SELECT count(*)::int AS n FROM ev`,
    [sessionId, actorId],
  );
  return row?.n ?? 0;
}
