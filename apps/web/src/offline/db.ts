import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { QueuedChange } from './queue';

/** A server answer kept for offline use: who read it, when, and what. */
export interface CachedRead<T = unknown> {
  /** `<userId>:<what>`, e.g. `u1:roster:<sessionId>`. */
  key: string;
  userId: string;
  savedAt: number;
  value: T;
}

interface OfflineSchema extends DBSchema {
  reads: { key: string; value: CachedRead; indexes: { byUser: string } };
  queue: { key: number; value: QueuedChange; indexes: { byUser: string } };
}

export type OfflineDb = IDBPDatabase<OfflineSchema>;

let opening: Promise<OfflineDb | null> | null = null;

/**
 * The app's one IndexedDB database (`sysponto-offline`): the last answers of the reads that matter offline and the
 * queue of changes waiting for the network. Null where IndexedDB is missing (then nothing is kept across reloads).
 */
export function offlineDb(): Promise<OfflineDb | null> {
  opening ??= (async () => {
    if (typeof indexedDB === 'undefined') return null;
    try {
      return await openDB<OfflineSchema>('sysponto-offline', 1, {
        upgrade(db) {
          db.createObjectStore('reads', { keyPath: 'key' }).createIndex('byUser', 'userId');
          db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true }).createIndex('byUser', 'userId');
        },
      });
    } catch {
      return null;
    }
  })();
  return opening;
}

/** Tests start from an empty database. */
export async function resetOfflineDb(): Promise<void> {
  const db = await offlineDb();
  if (!db) return;
  await db.clear('reads');
  await db.clear('queue');
}

export async function saveRead<T>(userId: string, what: string, value: T, savedAt = Date.now()): Promise<void> {
  const db = await offlineDb();
  // A read that cannot be kept (quota, private mode) is no error: it is simply not available offline.
  await db?.put('reads', { key: `${userId}:${what}`, userId, savedAt, value }).catch(() => undefined);
}

export async function loadRead<T>(userId: string, what: string): Promise<CachedRead<T> | null> {
  const db = await offlineDb();
  return ((await db?.get('reads', `${userId}:${what}`).catch(() => undefined)) as CachedRead<T> | undefined) ?? null;
}

/** Signing out forgets what this person read (a shared computer); their queued changes stay for their next sign-in. */
export async function forgetReads(userId: string): Promise<void> {
  const db = await offlineDb();
  if (!db) return;
  const tx = db.transaction('reads', 'readwrite');
  for (const key of await tx.store.index('byUser').getAllKeys(userId)) await tx.store.delete(key);
  await tx.done;
}
