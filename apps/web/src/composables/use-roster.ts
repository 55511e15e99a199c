import type { AttendanceFlag, AttendanceStatus } from '@sysponto/contracts';
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import type { Schemas } from '@sysponto/client';
import { applyRosterEvents, countRoster, sortRoster, type RosterEntry, type RosterEvent } from '@/features/roster';
import { endOfDay } from '@/features/dates';
import { pendingByStudent } from '@/offline/queue';
import { useResync, useSessionRoom, useSocketEvent } from '@/realtime/use-socket-event';
import { useAuthStore } from '@/stores/auth';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { useAction } from './use-async';
import { sendAttendanceChange } from './use-offline-queue';
import { keepForOffline, useOfflineRead } from './use-offline-read';

export type RosterFilter = 'all' | 'missing' | 'pending';

/** Live roster changes are drawn at most this often (a burst of check-ins: one redraw per BATCH_MS, not per event). */
const BATCH_MS = 200;

/** One session's details, read on mount and again after a reconnect; the last answer is kept for offline use. */
export function useSession(id: () => string) {
  const session = useOfflineRead(
    () => `session:${id()}`,
    () => unwrap(api.GET('/api/sessions/{id}', { params: { path: { id: id() } } })),
  );
  onMounted(session.run);
  useResync(() => void session.run());
  return session;
}

/** A session's roster as read, kept in IndexedDB for offline use (the live page and the teacher dashboard). */
export const rosterReadKey = (sessionId: string) => `roster:${sessionId}`;
export const sessionReadKey = (sessionId: string) => `session:${sessionId}`;

/**
 * A session's roster kept live: read over REST, then each `attendance.submitted` / `attendance.updated` in the
 * session's room changes one row (a student not on the list — a new enrollment — re-reads it). After a reconnect it
 * is read again: events may have been missed, the database is the truth. Offline it shows the last roster read
 * (`load.savedAt`), with the changes waiting in the offline queue applied on top (`pendingSync`).
 */
export function useRoster(sessionId: () => string) {
  const server = shallowRef<RosterEntry[]>([]);
  const meta = shallowRef<Schemas['RosterDto'] | null>(null);
  const read = useOfflineRead(
    () => rosterReadKey(sessionId()),
    () => unwrap(api.GET('/api/sessions/{id}/attendance', { params: { path: { id: sessionId() } } })),
  );
  /** Students locked out of check-in (too many wrong codes), as read and then as pushed live. */
  const lockedOutIds = ref(new Set<string>());
  // Reads can overlap (mount, the room joined, a new enrollment): only the latest one counts, and the events that
  // arrived while it was under way are applied again on top of it (its answer may predate them).
  let latest = 0;
  let arrivedDuringRead: RosterEvent[] | null = null;
  async function run() {
    const mine = ++latest;
    arrivedDuringRead = [];
    const r = await read.run();
    if (mine !== latest) return r;
    const arrived = arrivedDuringRead;
    arrivedDuringRead = null;
    if (r) {
      meta.value = r;
      server.value = arrived.length ? applyRosterEvents(r.items, arrived).entries : r.items;
      lockedOutIds.value = new Set(r.lockedOut ?? []);
    }
    return r;
  }
  const load = { ...read, run };
  const queue = useOfflineQueueStore();
  /** Students with a change waiting to be sent (shown as "pending sync"). */
  const pendingSync = computed(() => pendingByStudent(queue.items, sessionId()));
  const entries = computed<RosterEntry[]>(() => {
    const pending = pendingSync.value;
    if (!pending.size) return server.value;
    return server.value.map((e) => {
      const p = pending.get(e.studentId);
      return p ? { ...e, status: p.body.status, note: p.body.note ?? e.note } : e;
    });
  });
  // A replayed change of this session: read the roster again (the server may have applied the late rule, or kept a
  // later change).
  let rereadTimer: ReturnType<typeof setTimeout> | undefined;
  const offOutcome = queue.onOutcome((o) => {
    if (o.item.kind !== 'attendance' || o.item.sessionId !== sessionId()) return;
    clearTimeout(rereadTimer);
    rereadTimer = setTimeout(() => void run(), 300);
  });
  onBeforeUnmount(() => {
    offOutcome();
    clearTimeout(rereadTimer);
    clearTimeout(sweepTimer);
    cancelFlush();
  });
  const sorted = computed(() => sortRoster(entries.value));
  const counts = computed(() => countRoster(entries.value));
  /** Who checked in during the last few seconds (the row lights up). */
  const justArrived = shallowRef(new Set<string>());
  /** Set when the server refused to let us watch the session live (`live.noLive`). */
  const roomDenied = ref<string | null>(null);

  // Live events are applied in batches: in the next frame, and at most every BATCH_MS. 500 check-ins within 5 s
  // would otherwise sort and redraw a 1,000-student roster 500 times, and the page would stop answering the teacher.
  let queued: RosterEvent[] = [];
  let arrivals: string[] = [];
  let frame: number | undefined;
  let frameTimer: ReturnType<typeof setTimeout> | undefined;
  let gapTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFlush = -Infinity;
  function cancelFlush() {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(frameTimer);
    clearTimeout(gapTimer);
    frame = frameTimer = gapTimer = undefined;
  }
  function nextFrame() {
    gapTimer = undefined;
    if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(flush);
    // A hidden tab gets no frames: the timer applies the batch all the same.
    frameTimer = setTimeout(flush, 100);
  }
  function scheduleFlush() {
    if (frameTimer !== undefined || gapTimer !== undefined) return;
    const wait = lastFlush + BATCH_MS - performance.now();
    if (wait > 0) gapTimer = setTimeout(nextFrame, wait);
    else nextFrame();
  }
  function flush() {
    cancelFlush();
    lastFlush = performance.now();
    const events = queued;
    queued = [];
    if (events.length) {
      const next = applyRosterEvents(server.value, events);
      server.value = next.entries;
      if (next.unknown) void load.run();
    }
    if (arrivals.length) markArrived(arrivals);
    arrivals = [];
  }

  /** A row stays lit for FLASH_MS after its check-in; one timer puts out every row whose time is up. */
  const FLASH_MS = 4000;
  const arrivedAt = new Map<string, number>();
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;
  function markArrived(ids: readonly string[]) {
    const now = Date.now();
    for (const id of ids) {
      arrivedAt.delete(id); // re-inserted: the map stays in order of arrival
      arrivedAt.set(id, now);
    }
    justArrived.value = new Set(arrivedAt.keys());
    sweepTimer ??= setTimeout(sweep, FLASH_MS);
  }
  function sweep() {
    sweepTimer = undefined;
    const now = Date.now();
    let changed = false;
    for (const [id, at] of arrivedAt) {
      if (now - at < FLASH_MS) {
        sweepTimer = setTimeout(sweep, at + FLASH_MS - now);
        break;
      }
      arrivedAt.delete(id);
      changed = true;
    }
    if (changed) justArrived.value = new Set(arrivedAt.keys());
  }

  function apply(event: RosterEvent) {
    if (event.payload.sessionId !== sessionId()) return;
    arrivedDuringRead?.push(event);
    queued.push(event);
    scheduleFlush();
  }

  // Read at once (offline: the kept copy), and again each time the live room is joined (first connection and every
  // reconnect): a check-in made between the first read and the join sends its event to nobody here.
  onMounted(load.run);
  useSessionRoom(sessionId, {
    joined: () => {
      roomDenied.value = null;
      void load.run();
    },
    denied: (code) => (roomDenied.value = code ?? 'denied'),
  });
  useSocketEvent('attendance.submitted', (payload) => {
    apply({ kind: 'submitted', payload });
    if (payload.sessionId === sessionId()) arrivals.push(payload.studentId);
  });
  useSocketEvent('attendance.updated', (payload) => apply({ kind: 'updated', payload }));
  // A flag raised later (another student checked in from the same device) or cleared by a teacher.
  useSocketEvent('attendance.flagged', (payload) => apply({ kind: 'flagged', payload }));
  function setLockedOut(studentId: string, locked: boolean) {
    const next = new Set(lockedOutIds.value);
    if (locked) next.add(studentId);
    else next.delete(studentId);
    lockedOutIds.value = next;
  }
  useSocketEvent('attendance.locked-out', (p) => {
    if (p.sessionId !== sessionId()) return;
    setLockedOut(p.studentId, true);
    // A student not on the list (a new enrollment): read it again.
    if (!server.value.some((e) => e.studentId === p.studentId)) void load.run();
  });
  useSocketEvent('attendance.lockout-cleared', (p) => {
    if (p.sessionId === sessionId()) setLockedOut(p.studentId, false);
  });
  /** Who is locked out and not recorded yet: the teacher lets them try again or marks them. */
  const lockedOut = computed(() =>
    sorted.value.filter((e) => lockedOutIds.value.has(e.studentId) && (e.status === null || e.status === 'absent')),
  );

  /** The rows for a filter, who needs action first. */
  const filtered = (filter: RosterFilter) =>
    filter === 'all'
      ? sorted.value
      : sorted.value.filter((e) => (filter === 'missing' ? e.status === null : e.status === 'pending'));

  return {
    entries,
    meta,
    sorted,
    counts,
    filtered,
    justArrived,
    roomDenied,
    pendingSync,
    lockedOut,
    setLockedOut,
    load,
    reload: load.run,
  };
}

/**
 * The teacher's actions on a running session: set one status, validate all pending, close, reopen. Each re-reads the roster.
 * Setting a status works offline: it is queued (with its Idempotency-Key and the time it was made) and shown as
 * pending sync until the network returns.
 */
export function useRosterActions(
  sessionId: () => string,
  reload: () => unknown,
  /** The roster row of a student (its name and status label a queued change). */
  find: (studentId: string) => RosterEntry | undefined = () => undefined,
) {
  const action = useAction();
  const path = () => ({ params: { path: { id: sessionId() } } });

  async function setStatus(
    studentId: string,
    status: Exclude<AttendanceStatus, 'pending'>,
    opts: { note?: string; override?: boolean } = {},
  ): Promise<boolean> {
    const body = { status, override: opts.override ?? false, ...(opts.note ? { note: opts.note } : {}) };
    const row = find(studentId);
    const student = { studentId, fullName: row?.fullName ?? '', status: row?.status ?? null };
    const r = await action.run(() => sendAttendanceChange(sessionId(), student, body));
    if (r === undefined) return false;
    if (!r.queued) void reload();
    return true;
  }

  async function validateAll() {
    const r = await action.run(() => unwrap(api.POST('/api/sessions/{id}/attendance/validate-all', path())));
    if (r) void reload();
    return r;
  }

  async function close() {
    const r = await action.run(() => unwrap(api.POST('/api/sessions/{id}/close', path())));
    if (r) void reload();
    return r;
  }

  /** Reopens a closed session (absences stay until changed); answers the fresh code while check-in is open. */
  async function reopen() {
    const r = await action.run(() => unwrap(api.POST('/api/sessions/{id}/reopen', path())));
    if (r) void reload();
    return r;
  }

  /** Clears an integrity flag after review (audited on the server). */
  async function clearFlag(studentId: string, flag: AttendanceFlag) {
    const r = await action.run(() =>
      unwrap(
        api.DELETE('/api/sessions/{id}/attendance/{studentId}/flags/{flag}', {
          params: { path: { id: sessionId(), studentId, flag } },
        }),
      ),
    );
    if (r) void reload();
    return r;
  }

  /** Lets a student locked out of check-in try again (clears their limit; audited on the server). */
  async function clearLockout(studentId: string) {
    return action.run(() =>
      unwrap(
        api.DELETE('/api/sessions/{id}/attendance/{studentId}/lockout', {
          params: { path: { id: sessionId(), studentId } },
        }),
      ),
    );
  }

  return { ...action, setStatus, validateAll, close, reopen, clearFlag, clearLockout };
}

/** At most this many sessions are read ahead for offline use from the dashboard. */
export const PREFETCH_SESSIONS = 8;

/**
 * Offline roll call starts here: whenever the teacher dashboard has read today's sessions online, each one's details
 * and roster are read too and kept on this device, so the live page opens without a network later.
 */
export function useKeepSessionsOffline(sessions: () => Schemas['SessionDto'][] | undefined, fresh: () => boolean) {
  const auth = useAuthStore();
  const kept = ref(0);
  watch(
    () => [sessions(), fresh()] as const,
    async ([list, isFresh]) => {
      const userId = auth.user?.id;
      if (!list?.length || !isFresh || !userId) return;
      const end = endOfDay().getTime();
      const today = list
        .filter((s) => s.state !== 'cancelled' && Date.parse(s.startsAt) <= end)
        .slice(0, PREFETCH_SESSIONS);
      let n = 0;
      for (const s of today) {
        const path = { params: { path: { id: s.id } } };
        const ok = await keepForOffline(userId, sessionReadKey(s.id), () =>
          unwrap(api.GET('/api/sessions/{id}', path)),
        );
        if (
          ok &&
          (await keepForOffline(userId, rosterReadKey(s.id), () =>
            unwrap(api.GET('/api/sessions/{id}/attendance', path)),
          ))
        )
          n++;
      }
      kept.value = n;
    },
    { immediate: true },
  );
  return { kept };
}
