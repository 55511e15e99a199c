import type { Schemas } from '@sysponto/client';
import { onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { addDays, startOfDay } from '@/features/dates';
import { useResync, useSocketEvent } from '@/realtime/use-socket-event';
import { useAction, useAsync } from './use-async';
import { useOfflineRead } from './use-offline-read';

type Scope = Schemas['SessionScope'];

export type MySession = Schemas['MySessionDto'];

/** My sessions (as student or teacher) between two instants, with where I stand in each, from the calendar endpoint. */
export async function fetchMySessions(from: string, to: string): Promise<MySession[]> {
  return (await unwrap(api.GET('/api/me/sessions', { params: { query: { from, to } } }))).items;
}

/** The live events that change a student's sessions: one of their courses' sessions opens, closes, is cancelled, gets a new code. */
export type MySessionEvent = 'opened' | 'closed' | 'cancelled' | 'code-new' | 'code-revoked';

/**
 * Keeps a student's view of their sessions true: `changed` runs (once for a burst, after 250 ms) on the events the
 * server sends to a course's enrolled students — a session opened, closed, cancelled, its code changed — and after
 * every reconnect (events may have been missed: re-read over REST). `onEvent` sees
 * each event as it comes (a toast).
 */
export function useMySessionsLive(
  changed: () => void,
  onEvent?: (e: { kind: MySessionEvent; sessionId: string }) => void,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (kind: MySessionEvent, sessionId: string) => {
    onEvent?.({ kind, sessionId });
    clearTimeout(timer);
    timer = setTimeout(changed, 250);
  };
  useSocketEvent('session.opened', (p) => soon('opened', p.sessionId));
  useSocketEvent('session.closed', (p) => soon('closed', p.sessionId));
  useSocketEvent('session.cancelled', (p) => soon('cancelled', p.sessionId));
  useSocketEvent('session.code-changed', (p) => soon(p.reason === 'new' ? 'code-new' : 'code-revoked', p.sessionId));
  useResync(changed);
  onBeforeUnmount(() => clearTimeout(timer));
}

/**
 * My sessions from the start of today over the next `days` days (the dashboards); read on mount. Offline: the last
 * list read (with `savedAt`). Kept live by the page (useMySessionsLive).
 */
export function useUpcomingSessions(days: number) {
  const sessions = useOfflineRead(
    () => `upcoming:${days}`,
    () => {
      const from = startOfDay();
      return fetchMySessions(from.toISOString(), addDays(from, days).toISOString());
    },
    [],
  );
  onMounted(sessions.run);
  return sessions;
}

/** A course's sessions, upcoming (from today) or past, paged; read on mount and when either changes. */
export function useCourseSessions(courseId: () => string, pageSize = 15) {
  const when = ref<'upcoming' | 'past'>('upcoming');
  const page = ref(1);
  const sessions = useAsync(() =>
    unwrap(
      api.GET('/api/courses/{id}/sessions', {
        params: {
          path: { id: courseId() },
          query: {
            page: page.value,
            pageSize,
            ...(when.value === 'upcoming' ? { from: startOfDay().toISOString() } : { to: new Date().toISOString() }),
          },
        },
      }),
    ),
  );
  watch([when, page], () => void sessions.run());
  onMounted(sessions.run);
  /** Shows the upcoming or past ones, from the first page. */
  function show(w: 'upcoming' | 'past') {
    const unchanged = when.value === w && page.value === 1;
    when.value = w;
    page.value = 1;
    if (unchanged) void sessions.run();
  }
  return { ...sessions, when, page, pageSize, show };
}

/** Creates one session or a weekly series in a course. Resolves to how many were created (0 when it failed). */
export function useScheduleSessions(courseId: () => string) {
  const action = useAction();
  /** How many sessions were created and, for a series, the dates it skipped (exceptions and holidays). */
  async function create(
    body: Schemas['CreateSessionsDto'],
  ): Promise<{ count: number; skipped: Schemas['SkippedDateDto'][] } | null> {
    const res = await action.run(() =>
      unwrap(api.POST('/api/courses/{id}/sessions', { params: { path: { id: courseId() } }, body })),
    );
    if (!res) return null;
    return 'items' in res && Array.isArray(res.items)
      ? { count: res.items.length, skipped: res.skipped ?? [] }
      : { count: 1, skipped: [] };
  }
  return { ...action, create };
}

/** Edits or deletes one session, or it and the following ones of its series. */
export function useSessionEditing(sessionId: () => string) {
  const action = useAction();
  const update = (scope: Scope, body: Schemas['UpdateSessionDto']) =>
    action.run(() =>
      unwrap(api.PATCH('/api/sessions/{id}', { params: { path: { id: sessionId() }, query: { scope } }, body })),
    );
  const remove = (scope: Scope) =>
    action.run(() =>
      unwrap(api.DELETE('/api/sessions/{id}', { params: { path: { id: sessionId() }, query: { scope } } })),
    );
  return { ...action, update, remove };
}
