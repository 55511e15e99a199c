import { computed, ref } from 'vue';

/**
 * Is the API reachable? Two signals: the browser's own online/offline (airplane mode, Chromium's offline
 * emulation) and what our requests saw — a lecture hall's collapsed Wi-Fi often still says "online" while nothing
 * gets through. After a failed request the app counts as offline until a request (or the periodic health check)
 * gets an answer again.
 */
const browserOnline = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
const apiReachable = ref(true);
const online = computed(() => browserOnline.value && apiReachable.value);

type HealthCheck = () => Promise<boolean>;
let healthCheck: HealthCheck | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
export const HEALTH_CHECK_MS = 10_000;

function schedule() {
  clearTimeout(timer);
  if (apiReachable.value || !healthCheck) return;
  timer = setTimeout(async () => {
    if (browserOnline.value && healthCheck && (await healthCheck().catch(() => false))) reportAnswer();
    else schedule();
  }, HEALTH_CHECK_MS);
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    browserOnline.value = true;
    // The browser says we are back: check at once instead of waiting for the next tick.
    if (!apiReachable.value && healthCheck)
      void healthCheck().then((ok) => (ok ? reportAnswer() : schedule()), schedule);
  });
  window.addEventListener('offline', () => {
    browserOnline.value = false;
  });
}

/** A request got no answer at all (not an HTTP error: those are answers). */
export function reportNoAnswer(): void {
  apiReachable.value = false;
  schedule();
}

/** A request got an answer: the API is reachable. */
export function reportAnswer(): void {
  apiReachable.value = true;
  clearTimeout(timer);
}

/** How to ask the API whether it is there (set once by the app; `GET /api/health`). */
export function setHealthCheck(fn: HealthCheck): void {
  healthCheck = fn;
}

/** Tests. */
export function setNetworkState(state: { browser?: boolean; api?: boolean }): void {
  if (state.browser !== undefined) browserOnline.value = state.browser;
  if (state.api !== undefined) apiReachable.value = state.api;
}

export function isOnline(): boolean {
  return online.value;
}

/** The network state for views: `online` is false while the API cannot be reached. */
export function useNetwork() {
  return { online, browserOnline, apiReachable };
}
