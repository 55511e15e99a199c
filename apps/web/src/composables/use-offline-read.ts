import { type Ref, ref, watch } from 'vue';
import { ApiError } from '@/api/errors';
import { loadRead, saveRead } from '@/offline/db';
import { useAuthStore } from '@/stores/auth';
import { useAsync } from './use-async';
import { useNetwork } from './use-network';

/** True for "the request got no answer" (offline), as opposed to an answer that says no. */
export const isNoAnswer = (e: unknown) => e instanceof ApiError && e.status === 0;

/**
 * useAsync for a read that must work offline: every answer is kept in IndexedDB (per user), and when the network
 * is down the last kept answer is served instead, with `savedAt` (ms) set so the page can say how old it is. When
 * the network returns, a page showing kept data reads again. The service worker caches no API answer: this does.
 */
export function useOfflineRead<T>(what: () => string, load: () => Promise<T>, initial?: T) {
  const auth = useAuthStore();
  /** When the data shown was read, if it came from this device's store (offline); null for a fresh answer. */
  const savedAt = ref<number | null>(null);
  const read = useAsync(() => readWithOfflineCopy(auth.user?.id, what(), load, savedAt), initial);
  rereadWhenOnline(savedAt, read.run);
  return { ...read, savedAt };
}

/**
 * One read with its offline copy: the answer is kept for `userId` under `what`; with no answer at all, the copy
 * kept last is returned and `savedAt` says when it was read (null after a fresh answer).
 */
export async function readWithOfflineCopy<T>(
  userId: string | undefined,
  what: string,
  load: () => Promise<T>,
  savedAt: Ref<number | null>,
): Promise<T> {
  try {
    const value = await load();
    savedAt.value = null;
    if (userId) void saveRead(userId, what, value);
    return value;
  } catch (e) {
    if (userId && isNoAnswer(e)) {
      const kept = await loadRead<T>(userId, what);
      if (kept) {
        savedAt.value = kept.savedAt;
        return kept.value;
      }
    }
    throw e;
  }
}

/** A page showing kept data reads again when the network returns. */
export function rereadWhenOnline(savedAt: Ref<number | null>, run: () => unknown): void {
  const { online } = useNetwork();
  watch(online, (on) => {
    if (on && savedAt.value !== null) void run();
  });
}

/** Reads and keeps one answer for later offline use, without showing it (the teacher dashboard's prefetch). */
export async function keepForOffline<T>(userId: string, what: string, load: () => Promise<T>): Promise<boolean> {
  try {
    await saveRead(userId, what, await load());
    return true;
  } catch {
    return false;
  }
}
