import { computed, onBeforeUnmount, ref, watch } from 'vue';

/**
 * A long list drawn in chunks: the first `first` items at once, then `step` more in each following task until all are
 * shown, so that drawing 1,000 roster rows is a series of short tasks the page can answer between (clicks, live
 * events) rather than one long one. `reset()` starts from the first chunk again (another filter: a new list to draw).
 * Once everything is drawn, a change to the list is drawn whole at once (rows whose props did not change cost
 * little: see RosterRow).
 */
export function useProgressiveList<T>(list: () => readonly T[], first = 60, step = 100) {
  const count = ref(first);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const shown = computed(() => {
    const all = list();
    return all.length <= count.value ? all : all.slice(0, count.value);
  });
  function grow() {
    timer = undefined;
    count.value += step;
    if (count.value < list().length) timer = setTimeout(grow, 0);
  }
  watch(
    () => list().length > count.value,
    (more) => {
      if (more && timer === undefined) timer = setTimeout(grow, 0);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => clearTimeout(timer));
  function reset() {
    clearTimeout(timer);
    timer = undefined;
    count.value = first;
    if (list().length > first) timer = setTimeout(grow, 0);
  }
  return { shown, reset };
}
