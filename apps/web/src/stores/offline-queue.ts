import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api } from '@/api/client';
import { offlineDb } from '@/offline/db';
import {
  memoryQueueStorage,
  NetworkError,
  replayQueue,
  type QueuedChange,
  type QueueOutcome,
  type QueueStorage,
  type SendResult,
} from '@/offline/queue';

type NewChange = Omit<QueuedChange, 'seq' | 'attempts' | 'createdAt' | 'userId'> & { createdAt?: number };

/** IndexedDB when there is one (survives reloads and restarts), else memory. */
function defaultStorage(): QueueStorage {
  const memory = memoryQueueStorage();
  const db = () => offlineDb();
  return {
    async list(userId) {
      const d = await db();
      if (!d) return memory.list(userId);
      return (await d.getAllFromIndex('queue', 'byUser', userId)).sort((a, b) => a.seq! - b.seq!);
    },
    async add(item) {
      const d = await db();
      if (!d) return memory.add(item);
      const { seq: _none, ...rest } = item;
      const seq = (await d.add('queue', rest as QueuedChange)) as number;
      return { ...item, seq };
    },
    async put(item) {
      const d = await db();
      if (!d) return memory.put(item);
      await d.put('queue', item);
    },
    async remove(seq) {
      const d = await db();
      if (!d) return memory.remove(seq);
      await d.delete('queue', seq);
    },
  };
}

/** Sends one queued change through the typed client, with its Idempotency-Key. Throws NetworkError on no answer. */
async function sendChange(item: QueuedChange): Promise<SendResult> {
  const header = { 'Idempotency-Key': item.key };
  let r: { data?: unknown; error?: unknown; response: Response };
  try {
    r =
      item.kind === 'attendance'
        ? await api.PATCH('/api/sessions/{id}/attendance/{studentId}', {
            params: { path: { id: item.sessionId, studentId: item.studentId }, header },
            body: item.body,
          })
        : await api.POST('/api/check-ins', { params: { header }, body: item.body });
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : undefined);
  }
  const retry = Number(r.response.headers.get('retry-after'));
  return {
    status: r.response.status,
    body: r.response.ok ? r.data : r.error,
    replayed: r.response.headers.get('idempotent-replayed') === 'true',
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
  };
}

/**
 * The signed-in person's queue of changes waiting for the network (see offline/queue.ts): what is pending (for
 * "pending sync" marks), what the server refused (shown until dismissed), and the replay, one at a time.
 */
export const useOfflineQueueStore = defineStore('offline-queue', () => {
  let storage: QueueStorage = defaultStorage();
  let send: (item: QueuedChange) => Promise<SendResult> = sendChange;
  const userId = ref<string | null>(null);
  const items = shallowRef<QueuedChange[]>([]);
  /** Refusals and conflicts of replayed changes, newest last, until the person dismisses them. */
  const refused = shallowRef<QueueOutcome[]>([]);
  const syncing = ref(false);
  const lastSyncedAt = ref<number | null>(null);
  const listeners = new Set<(o: QueueOutcome) => void>();

  const pendingCount = computed(() => items.value.length);

  async function refresh() {
    items.value = userId.value ? await storage.list(userId.value) : [];
  }

  /** Switches to a person's queue (sign-in, offline start) or to none (sign-out). */
  async function use(id: string | null) {
    if (userId.value === id) return;
    userId.value = id;
    refused.value = [];
    await refresh();
  }

  /** Adds a change at the end of the queue. */
  async function enqueue(change: NewChange): Promise<QueuedChange> {
    if (!userId.value) throw new Error('enqueue: nobody is signed in');
    const stored = await storage.add({
      ...change,
      createdAt: change.createdAt ?? Date.now(),
      userId: userId.value,
      attempts: 0,
    } as QueuedChange);
    await refresh();
    return stored;
  }

  /** Called with every answered change (the check-in box shows its result; pages re-read). */
  function onOutcome(fn: (o: QueueOutcome) => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  }

  let running: Promise<Awaited<ReturnType<typeof replayQueue>> | null> | null = null;
  /**
   * Replays the queue in order. One replay at a time here, and one per browser (Web Locks) when several tabs are
   * open; a second tab's replay would be harmless anyway (same keys → the server replays its first answers).
   */
  function sync() {
    const id = userId.value;
    if (!id || !items.value.length) return Promise.resolve(null);
    running ??= (async () => {
      syncing.value = true;
      try {
        const run = () =>
          replayQueue(storage, id, send, (o) => {
            if (!o.ok) refused.value = [...refused.value, o];
            listeners.forEach((fn) => fn(o));
          });
        const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
        const report = locks ? await locks.request(`sysponto-queue:${id}`, run) : await run();
        if (!report.stopped) lastSyncedAt.value = Date.now();
        return report;
      } finally {
        syncing.value = false;
        await refresh();
        running = null;
      }
    })();
    return running;
  }

  function dismiss(o: QueueOutcome) {
    refused.value = refused.value.filter((x) => x !== o);
  }

  /** Tests: another storage or network. */
  function configure(opts: { storage?: QueueStorage; send?: typeof send }) {
    if (opts.storage) storage = opts.storage;
    if (opts.send) send = opts.send;
  }

  return {
    userId,
    items,
    refused,
    syncing,
    lastSyncedAt,
    pendingCount,
    use,
    enqueue,
    sync,
    dismiss,
    onOutcome,
    refresh,
    configure,
  };
});
