import { createHmac, type KeyObject } from 'node:crypto';
import { newRotatingKey, type RotatingKey } from './attendance-codes.js';

/**
 * Buddy check-ins are detected by a device identifier the SPA keeps in local storage. The server never stores it:
 * it stores HMAC(K_d, session id) where K_d = HMAC(server secret, "device-id:" + device id). The check-in function
 * computes the outer HMAC in SQL (it alone knows which session matched), so the app sends K_d as the two padded
 * halves PostgreSQL's built-in sha256() needs (as for rotating codes). The server secret never leaves the app, and
 * without it the hashes of one device in two sessions cannot be linked.
 */
export function deviceKey(secret: KeyObject, deviceId: string): RotatingKey {
  return newRotatingKey(createHmac('sha256', secret).update(`device-id:${deviceId}`).digest());
}

/** The stored hash for one session: HMAC-SHA256(K_d, the session id's 16 bytes). Same as the SQL. */
export function deviceHash(secret: KeyObject, deviceId: string, sessionId: string): Buffer {
  const kd = createHmac('sha256', secret).update(`device-id:${deviceId}`).digest();
  return createHmac('sha256', kd).update(uuidBytes(sessionId)).digest();
}

export function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}
