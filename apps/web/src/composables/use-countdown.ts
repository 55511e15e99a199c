import { computed, onBeforeUnmount, ref, type Ref } from 'vue';

/** Seconds left until an instant, ticking 4× a second (smooth enough for a projector without drift). */
export function useCountdown(target: Ref<string | null | undefined>) {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), 250);
  onBeforeUnmount(() => clearInterval(timer));
  const seconds = computed(() =>
    target.value ? Math.max(0, Math.ceil((Date.parse(target.value) - now.value) / 1000)) : null,
  );
  const label = computed(() => {
    const s = seconds.value;
    if (s == null) return '';
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  });
  return { seconds, label, now };
}
