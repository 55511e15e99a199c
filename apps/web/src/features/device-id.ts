const KEY = 'sysponto.deviceId';
const VALID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A random identifier of this browser, generated once and kept in local storage. It is sent with each check-in so the
 * server can tell when one device checks in several students of a session; the server stores only a keyed hash that
 * differs per session (docs/privacy.md). 128 random bits from getRandomValues (available on plain-http LAN addresses,
 * unlike randomUUID). Private windows or blocked storage: no identifier, and the check-in works as before.
 */
export function deviceId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null) {
  try {
    if (!storage) return undefined;
    const kept = storage.getItem(KEY);
    if (kept && VALID.test(kept)) return kept;
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    storage.setItem(KEY, id);
    return id;
  } catch {
    return undefined;
  }
}
