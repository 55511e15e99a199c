import type { AttendanceSource, AttendanceStatus, AttendanceUpdatedPayload } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import { enqueueWebhookEvent, enqueueWebhookEvents } from '../webhooks/webhooks.queries.js';
import { AttendanceEventEntity } from './attendance-event.entity.js';
import { insertMissingAbsent, upsertRecordStatus, validatePendingRecords } from './status-change.queries.js';

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
  const { previous } = await upsertRecordStatus(m, {
    sessionId: c.sessionId,
    studentId: c.studentId,
    to: c.to,
    source: c.source,
    actorId: c.actorId,
    validate: c.validate ?? false,
    note: c.note ?? null,
    keepSource: c.keepSource ?? false,
  });
  const changed = previous !== c.to;
  const payload = {
    sessionId: c.sessionId,
    studentId: c.studentId,
    status: c.to,
    previousStatus: previous,
    source: c.source,
  };
  if (changed) {
    await m.insert(AttendanceEventEntity, {
      sessionId: c.sessionId,
      studentId: c.studentId,
      fromStatus: previous,
      toStatus: c.to,
      source: c.source,
      actorId: c.actorId,
      reason: c.reason ?? c.note ?? null,
      // Left out: the column default, now().
      createdAt: c.at ?? undefined,
    });
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
  const rows = await validatePendingRecords(m, c);
  const changes = rows.map((r) => ({
    sessionId: c.sessionId,
    studentId: r.studentId,
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
  const rows = await insertMissingAbsent(m, c);
  const changes: AppliedChange[] = rows.map((r) => ({
    sessionId: c.sessionId,
    studentId: r.studentId,
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
