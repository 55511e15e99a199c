import { ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { api, unwrap } from '@/api/client';
import { useResync, useSocketEvent } from '@/realtime/use-socket-event';
import { useNotificationStore } from '@/stores/notifications';
import { useAction, usePagedList } from './use-async';

/**
 * My notifications page: all or unread only, paged; a new one shows at once on the first page; marking read goes
 * through the store (the unread badge) and re-reads the page.
 */
export function useNotificationList(pageSize = 20) {
  const store = useNotificationStore();
  const unreadOnly = ref(false);
  const list = usePagedList(
    (page) =>
      unwrap(
        api.GET('/api/notifications', {
          params: { query: { page, pageSize, ...(unreadOnly.value ? { unread: true } : {}) } },
        }),
      ),
    { filters: [unreadOnly] },
  );
  useSocketEvent('notification.created', () => {
    if (list.page.value === 1) void list.run();
  });
  useResync(() => void list.run());
  // The server renders each notification in the reader's language: a new language means a re-read.
  const { locale } = useI18n();
  watch(locale, () => void list.run());

  const action = useAction();
  async function markRead(id: string) {
    await action.run(() => store.markRead(id));
    await list.run();
  }
  async function markAllRead() {
    await action.run(() => store.markAllRead());
    await list.run();
  }
  return { list, unreadOnly, pageSize, action, markRead, markAllRead };
}
