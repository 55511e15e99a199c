import type { AttendanceFlag, AttendanceStatus } from '@sysponto/contracts';
import { computed, onMounted, ref, shallowRef } from 'vue';
import { api, unwrap } from '@/api/client';
import type { Schemas } from '@sysponto/api-client';
import { applyRosterEvent, countRoster, sortRoster, type RosterEntry } from '@/features/roster';
import { useResync, useSessionRoom, useSocketEvent } from '@/realtime/use-socket-event';
import { useAction, useAsync } from './use-async';

export type RosterFilter = 'all' | 'missing' | 'pending';

/** One session's details, read on mount and again after a reconnect. */
export function useSession(id: () => string) {
  const session = useAsync(() => unwrap(api.GET('/api/sessions/{id}', { params: { path: { id: id() } } })));
  onMounted(session.run);
  useResync(() => void session.run());
  return session;
}

/**
 * A session's roster kept live: read over REST, then each `attendance.submitted` / `attendance.updated` in the
 * session's room changes one row (a student not on the list — a new enrollment — re-reads it). After a reconnect it
 * is read again: events may have been missed, the database is the truth.
 */
export function useRoster(sessionId: () => string) {
  const entries = shallowRef<RosterEntry[]>([]);
  const meta = shallowRef<Schemas['RosterDto'] | null>(null);
  const load = useAsync(async () => {
    const r = await unwrap(api.GET('/api/sessions/{id}/attendance', { params: { path: { id: sessionId() } } }));
    meta.value = r;
    entries.value = r.items;
    return r;
  });
  const sorted = computed(() => sortRoster(entries.value));
  const counts = computed(() => countRoster(entries.value));
  /** Who checked in during the last few seconds (the row lights up). */
  const justArrived = ref(new Set<string>());
  /** Set when the server refused to let us watch the session live (`live.noLive`). */
  const roomDenied = ref<string | null>(null);

  function flash(studentId: string) {
    justArrived.value = new Set(justArrived.value).add(studentId);
    setTimeout(() => {
      const s = new Set(justArrived.value);
      s.delete(studentId);
      justArrived.value = s;
    }, 4000);
  }
  function apply(event: Parameters<typeof applyRosterEvent>[1]) {
    if (event.payload.sessionId !== sessionId()) return;
    const next = applyRosterEvent(entries.value, event);
    if (next) entries.value = next;
    else void load.run();
  }

  onMounted(load.run);
  useSessionRoom(sessionId, (code) => (roomDenied.value = code ?? 'denied'));
  useResync(() => void load.run());
  useSocketEvent('attendance.submitted', (payload) => {
    apply({ kind: 'submitted', payload });
    if (payload.sessionId === sessionId()) flash(payload.studentId);
  });
  useSocketEvent('attendance.updated', (payload) => apply({ kind: 'updated', payload }));
  // A flag raised later (another student checked in from the same device) or cleared by a teacher.
  useSocketEvent('attendance.flagged', (payload) => apply({ kind: 'flagged', payload }));

  /** The rows for a filter, who needs action first. */
  const filtered = (filter: RosterFilter) =>
    filter === 'all'
      ? sorted.value
      : sorted.value.filter((e) => (filter === 'missing' ? e.status === null : e.status === 'pending'));

  return { entries, meta, sorted, counts, filtered, justArrived, roomDenied, load, reload: load.run };
}

/** The teacher's actions on a running session: set one status, validate all pending, close. Each re-reads the roster. */
export function useRosterActions(sessionId: () => string, reload: () => unknown) {
  const action = useAction();
  const path = () => ({ params: { path: { id: sessionId() } } });

  async function setStatus(
    studentId: string,
    status: Exclude<AttendanceStatus, 'pending'>,
    opts: { note?: string; override?: boolean } = {},
  ): Promise<boolean> {
    const r = await action.run(() =>
      unwrap(
        api.PATCH('/api/sessions/{id}/attendance/{studentId}', {
          params: { path: { id: sessionId(), studentId } },
          body: { status, override: opts.override ?? false, ...(opts.note ? { note: opts.note } : {}) },
        }),
      ),
    );
    if (r === undefined) return false;
    void reload();
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

  return { ...action, setStatus, validateAll, close, clearFlag };
}
