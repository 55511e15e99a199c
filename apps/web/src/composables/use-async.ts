import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type WatchSource } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage, fieldErrors } from '@/api/errors';

/** Loading / error / data for one async read, with the error already in plain words. */
export function useAsync<T>(load: () => Promise<T>, initial?: T) {
  const { t, te } = useI18n();
  const data = shallowRef<T | undefined>(initial);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let seq = 0;

  async function run(): Promise<T | undefined> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const value = await load();
      if (mine === seq) data.value = value;
      return value;
    } catch (e) {
      if (mine === seq) error.value = errorMessage(e, t, te);
      return undefined;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  return { data, loading, error, run };
}

/**
 * Runs an action (a button): busy flag, plain-words error and the validation messages per field (`fields.email`),
 * toast-free. Resolves to the action's result, or undefined when it failed.
 */
export function useAction() {
  const { t, te } = useI18n();
  const busy = ref(false);
  const error = ref<string | null>(null);
  const fields = ref<Record<string, string>>({});
  async function run<R>(fn: () => Promise<R>): Promise<R | undefined> {
    busy.value = true;
    error.value = null;
    fields.value = {};
    try {
      return await fn();
    } catch (e) {
      error.value = errorMessage(e, t, te);
      fields.value = fieldErrors(e);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  function reset() {
    error.value = null;
    fields.value = {};
  }
  return { busy, error, fields, run, reset, message: (e: unknown) => errorMessage(e, t, te) };
}

/** How long typing in a search box waits before it reads. */
export const TYPING_PAUSE_MS = 300;

/**
 * A paged read with filters, read on mount: changing `page` reads that page; changing a filter starts again from
 * page 1 — at once for `filters` (selects, switches), after a pause in typing for `typed` (search boxes).
 */
export function usePagedList<T>(
  load: (page: number) => Promise<T>,
  // Reactive objects (a filters form) count as a whole.
  { filters = [], typed = [] }: { filters?: (WatchSource | object)[]; typed?: WatchSource[] } = {},
) {
  const page = ref(1);
  const list = useAsync(() => load(page.value));
  function restart() {
    if (page.value === 1) void list.run();
    else page.value = 1;
  }
  watch(page, () => void list.run());
  if (filters.length) watch(filters, restart, { deep: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (typed.length)
    watch(typed, () => {
      clearTimeout(timer);
      timer = setTimeout(restart, TYPING_PAUSE_MS);
    });
  onBeforeUnmount(() => clearTimeout(timer));
  onMounted(list.run);
  return { ...list, page };
}
