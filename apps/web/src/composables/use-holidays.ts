import type { Schemas } from '@sysponto/client';
import { onMounted, ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction, useAsync } from './use-async';

export type Holiday = Schemas['HolidayDto'];
export type HolidaySession = Schemas['HolidaySessionDto'];

/** The school calendar's holidays, read on mount (every signed-in user may read them). */
export function useHolidays() {
  const list = useAsync(() => unwrap(api.GET('/api/holidays')));
  onMounted(() => void list.run());
  return list;
}

/**
 * The admin's holidays page: add one (the answer lists the sessions already planned that day, which the admin may
 * cancel), remove one.
 */
export function useHolidayEditing(reload: () => unknown) {
  const action = useAction();
  /** The holiday just added and the sessions still planned on its date (the offer to cancel them). */
  const offer = ref<{ holiday: Holiday; sessions: HolidaySession[] } | null>(null);

  async function create(body: Schemas['CreateHolidayDto']) {
    const r = await action.run(() => unwrap(api.POST('/api/holidays', { body })));
    if (!r) return null;
    const { sessionsOnDate, ...holiday } = r;
    offer.value = sessionsOnDate.length ? { holiday, sessions: sessionsOnDate } : null;
    void reload();
    return r;
  }

  async function remove(id: string) {
    const ok = await action.run(async () => {
      await unwrap(api.DELETE('/api/holidays/{id}', { params: { path: { id } } }));
      return true;
    });
    if (ok) void reload();
    return ok === true;
  }

  /** Cancels the sessions of the offer (the holiday's name as the reason; students are notified). */
  async function cancelSessions() {
    if (!offer.value) return null;
    const id = offer.value.holiday.id;
    const r = await action.run(() =>
      unwrap(api.POST('/api/holidays/{id}/cancel-sessions', { params: { path: { id } } })),
    );
    if (r) offer.value = null;
    return r ?? null;
  }

  return { ...action, offer, create, remove, cancelSessions };
}
