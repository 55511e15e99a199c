import type { Schemas } from '@sysponto/client';
import { onMounted, shallowRef } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction } from './use-async';

/** My private iCal link (read on mount); regenerating it revokes the old one. */
export function useCalendarFeed() {
  const feed = shallowRef<Schemas['CalendarFeedDto'] | null>(null);
  const action = useAction();
  onMounted(async () => {
    feed.value = (await action.run(() => unwrap(api.GET('/api/me/calendar-feed')))) ?? null;
  });
  async function regenerate() {
    const f = await action.run(() => unwrap(api.POST('/api/me/calendar-feed/regenerate')));
    if (f) feed.value = f;
    return f;
  }
  return { feed, action, regenerate };
}
