import type { Schemas } from '@sysponto/client';
import { storeToRefs } from 'pinia';
import { api, unwrap } from '@/api/client';
import { newIdempotencyKey, type QueuedAttendance, type QueuedCheckIn } from '@/offline/queue';
import { serverNow } from '@/offline/server-clock';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { isOnline } from './use-network';
import { isNoAnswer } from './use-offline-read';

export type Sent<T> = { queued: false; value: T } | { queued: true };

/**
 * Sends a change at once when the API is reachable, with a fresh Idempotency-Key; queues it when it is not, or
 * when the request got no answer (it may or may not have arrived: the same key and body are sent again later, and
 * the server replays its first answer if it did). `offlineBody` is what to queue when known offline beforehand
 * (e.g. with the time it was made).
 */
async function sendOrQueue<T, C extends QueuedAttendance | QueuedCheckIn>(
  change: C,
  offlineBody: C['body'],
  now: (key: string) => Promise<T>,
): Promise<Sent<T>> {
  const store = useOfflineQueueStore();
  if (!isOnline()) {
    await store.enqueue({ ...change, body: offlineBody, key: newIdempotencyKey() });
    return { queued: true };
  }
  const key = newIdempotencyKey();
  try {
    return { queued: false, value: await now(key) };
  } catch (e) {
    if (!isNoAnswer(e)) throw e;
    await store.enqueue({ ...change, key });
    return { queued: true };
  }
}

/**
 * A teacher's change to one student's attendance (validate, override, note, mark present, roll call). Offline it
 * is queued with the time it was made in server time (`recordedAt`): the later change by server time wins.
 */
export function sendAttendanceChange(
  sessionId: string,
  student: { studentId: string; fullName: string; status: Schemas['AttendanceStatus'] | null },
  body: Schemas['UpdateAttendanceDto'],
): Promise<Sent<Schemas['RosterEntryDto']>> {
  const change: QueuedAttendance = {
    kind: 'attendance',
    sessionId,
    studentId: student.studentId,
    fullName: student.fullName,
    previousStatus: student.status,
    body,
  };
  return sendOrQueue(change, { ...body, recordedAt: serverNow().toISOString() }, (key) =>
    unwrap(
      api.PATCH('/api/sessions/{id}/attendance/{studentId}', {
        params: { path: { id: sessionId, studentId: student.studentId }, header: { 'Idempotency-Key': key } },
        body,
      }),
    ),
  );
}

/**
 * A student's check-in. Offline it is queued as it is, with no time of the phone's: the server decides when it
 * arrives whether the code is still valid.
 */
export function sendCheckIn(body: Schemas['CheckInDto']): Promise<Sent<Schemas['CheckInResultDto']>> {
  return sendOrQueue<Schemas['CheckInResultDto'], QueuedCheckIn>({ kind: 'check-in', body }, body, (key) =>
    unwrap(api.POST('/api/check-ins', { params: { header: { 'Idempotency-Key': key } }, body })),
  );
}

/** The queue for views: pending changes, refusals to show, sync state. */
export function useOfflineQueue() {
  const store = useOfflineQueueStore();
  return { ...storeToRefs(store), sync: store.sync, dismiss: store.dismiss, onOutcome: store.onOutcome };
}
