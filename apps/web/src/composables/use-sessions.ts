import type { Schemas } from '@sysponto/client';
import { DateTime } from 'luxon';
import { onMounted, ref, watch } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction, useAsync } from './use-async';
import { useOfflineRead } from './use-offline-read';

type Scope = Schemas['SessionScope'];

/** My sessions (as student or teacher) between two instants, from the calendar endpoint. */
export async function fetchMySessions(from: string, to: string): Promise<Schemas['SessionDto'][]> {
  return (await unwrap(api.GET('/api/me/sessions', { params: { query: { from, to } } }))).items;
}

/**
 * My sessions from the start of today over the next `days` days (the dashboards); read on mount. Offline: the last
 * list read (with `savedAt`).
 */
export function useUpcomingSessions(days: number) {
  const sessions = useOfflineRead(
    () => `upcoming:${days}`,
    () => {
      const from = DateTime.now().startOf('day');
      return fetchMySessions(from.toISO()!, from.plus({ days }).toISO()!);
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
            ...(when.value === 'upcoming'
              ? { from: DateTime.now().startOf('day').toISO()! }
              : { to: DateTime.now().toISO()! }),
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
