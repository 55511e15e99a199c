import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ToastVariant = 'success' | 'danger' | 'info' | 'warning';
export interface Toast {
  id: number;
  title: string;
  body?: string;
  variant: ToastVariant;
  link?: string | null;
}

let next = 1;

/** Short messages in the corner, read out by screen readers (the host is an aria-live region). */
export const useToastStore = defineStore('toasts', () => {
  const items = ref<Toast[]>([]);

  function push(t: Omit<Toast, 'id' | 'variant'> & { variant?: ToastVariant }, ms = 6000): number {
    const id = next++;
    items.value.push({ variant: 'info', ...t, id });
    if (items.value.length > 4) items.value.shift();
    if (ms > 0) setTimeout(() => dismiss(id), ms);
    return id;
  }

  function dismiss(id: number) {
    items.value = items.value.filter((t) => t.id !== id);
  }

  const success = (title: string, body?: string) => push({ title, body, variant: 'success' });
  const error = (title: string, body?: string) => push({ title, body, variant: 'danger' }, 9000);

  return { items, push, dismiss, success, error };
});
