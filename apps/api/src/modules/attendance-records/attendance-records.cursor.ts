/**
 * The feed's opaque cursor: the position (change sequence, record id) of the last change served. Encoded as
 * base64url so clients store it as a string and never build one.
 */
export interface FeedPosition {
  seq: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(`v1:${p.seq}:${p.id}`, 'utf8').toString('base64url');
}

/** The position, or null when the string is not a cursor of ours. */
export function decodeCursor(cursor: string): FeedPosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const m = /^v1:(\d{1,19}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !UUID.test(m[2]) || BigInt(m[1]) > 9223372036854775807n) return null;
  return { seq: m[1], id: m[2] };
}
