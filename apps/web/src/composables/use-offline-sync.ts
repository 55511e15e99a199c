import { onBeforeUnmount, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { api } from '@/api/client';
import type { Schemas } from '@sysponto/client';
import { checkInRefusal, queuedCheckInsAnsweredInline } from '@/offline/check-in';
import { useAuthStore } from '@/stores/auth';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { useToastStore } from '@/stores/toasts';
import { setHealthCheck, useNetwork } from './use-network';

/** How often a non-empty queue is tried again while the network seems up (a replay that was told to wait). */
export const SYNC_RETRY_MS = 15_000;

/**
 * App-wide offline wiring (App.vue): the health check that tells when the API is back, the signed-in person's
 * queue, and its replay — when the network returns, when the tab comes back to the front, and every few seconds
 * while changes wait. After an offline start the token is fetched first (the refresh cookie).
 */
export function useOfflineSync(): void {
  const auth = useAuthStore();
  const queue = useOfflineQueueStore();
  const toasts = useToastStore();
  const { t, te } = useI18n();
  const { online } = useNetwork();

  // A queued check-in is answered wherever the student is in the app: by the check-in box when one is on screen
  // (inline, once), otherwise with a toast.
  const offOutcome = queue.onOutcome((o) => {
    if (o.item.kind !== 'check-in' || queuedCheckInsAnsweredInline()) return;
    if (o.ok) {
      const r = o.body as Schemas['CheckInResultDto'];
      toasts.success(t('offline.checkIn.sent'), `${r.courseCode} · ${t(`status.${r.status}`)}`);
    } else toasts.error(checkInRefusal(o, t, te));
  });

  setHealthCheck(async () => {
    const r = await api.GET('/api/health').catch(() => null);
    // Any answer counts (a 503 "database down" still means the network is back).
    return !!r;
  });

  // Changes sent by replays that stopped before the end (the network dropped again, the server asked to wait): told
  // once, with the total, when a replay empties the queue.
  let sentBefore = 0;
  async function sync() {
    if (!online.value || !auth.user) return;
    if (auth.offline && !(await auth.resume())) return;
    const report = await queue.sync();
    if (!report) return;
    const sent = sentBefore + report.outcomes.filter((o) => o.ok && o.item.kind === 'attendance').length;
    sentBefore = report.stopped ? sent : 0;
    if (sent && !report.stopped) toasts.success(t('offline.synced', sent));
    if (report.retryAfter) setTimeout(() => void sync(), report.retryAfter * 1000);
  }

  watch(
    () => auth.user?.id ?? null,
    async (id) => {
      sentBefore = 0;
      await queue.use(id);
      void sync();
    },
    { immediate: true },
  );
  watch(online, (on) => on && void sync());
  const onVisible = () => document.visibilityState === 'visible' && void sync();
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(() => queue.pendingCount && void sync(), SYNC_RETRY_MS);
  onBeforeUnmount(() => {
    offOutcome();
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
  });
}
