import type { Schemas } from '@sysponto/client';
import type { NotificationCreatedPayload } from '@sysponto/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '@/api/client';

export type AppNotification = Schemas['NotificationDto'];

/** The unread badge and the most recent notifications; kept live by `notification.created`. */
export const useNotificationStore = defineStore('notifications', () => {
  const unreadCount = ref(0);
  const latest = ref<AppNotification[]>([]);

  async function refreshCount(): Promise<void> {
    const page = await unwrap(api.GET('/api/notifications', { params: { query: { unread: true, pageSize: 5 } } }));
    unreadCount.value = page.unreadCount;
    latest.value = page.items;
  }

  function received(n: NotificationCreatedPayload): void {
    unreadCount.value += 1;
    latest.value = [{ ...n, readAt: null }, ...latest.value].slice(0, 5);
  }

  async function markRead(id: string): Promise<void> {
    await unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
    latest.value = latest.value.filter((n) => n.id !== id);
    unreadCount.value = Math.max(0, unreadCount.value - 1);
  }

  async function markAllRead(): Promise<void> {
    await unwrap(api.POST('/api/notifications/read-all'));
    unreadCount.value = 0;
    latest.value = [];
  }

  function reset() {
    unreadCount.value = 0;
    latest.value = [];
  }

  return { unreadCount, latest, refreshCount, received, markRead, markAllRead, reset };
});
