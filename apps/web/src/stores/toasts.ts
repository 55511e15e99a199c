import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ToastVariant = 'success' | 'danger' | 'info' | 'warning';
export interface Toast {
  id: number;
  title: string;
  body?: string;
  variant: ToastVariant;
  link?: string | null;
  /**
   * What the toast is about (`attendance:<sessionId>`, `code:<sessionId>` …): a newer toast with the same key replaces
   * it, so a superseded state ("pending validation", an old code) is not left stacked under the new one.
   */
  key?: string;
}

let next = 1;

/** The key of the toasts about my attendance in a session (checked in, then validated: the newer replaces the older). */
export const attendanceToastKey = (sessionId: string) => `attendance:${sessionId}`;
/** The key of the toasts about a session's state or code (opened, new code, expired, closed, reopened). */
export const sessionToastKey = (sessionId: string) => `session:${sessionId}`;

/** Short messages in the corner, read out by screen readers (the host is an aria-live region). */
export const useToastStore = defineStore('toasts', () => {
  const items = ref<Toast[]>([]);

  function push(t: Omit<Toast, 'id' | 'variant'> & { variant?: ToastVariant }, ms = 6000): number {
    const id = next++;
    if (t.key) items.value = items.value.filter((x) => x.key !== t.key);
    items.value.push({ variant: 'info', ...t, id });
    if (items.value.length > 4) items.value.shift();
    if (ms > 0) setTimeout(() => dismiss(id), ms);
    return id;
  }

  function dismiss(id: number) {
    items.value = items.value.filter((t) => t.id !== id);
  }

  /** Removes the toasts about a state that no longer holds (their key). */
  function forget(key: string) {
    items.value = items.value.filter((t) => t.key !== key);
  }

  const success = (title: string, body?: string, key?: string) => push({ title, body, variant: 'success', key });
  const error = (title: string, body?: string) => push({ title, body, variant: 'danger' }, 9000);

  return { items, push, dismiss, forget, success, error };
});
