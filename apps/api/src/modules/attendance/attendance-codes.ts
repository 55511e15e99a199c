import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CODE_ALPHABET } from '@sysponto/contracts';

export const CODE_LENGTH = 6;

/** A fixed code: 6 characters of the unambiguous alphabet, from the cryptographic RNG. */
export function generateFixedCode(): string {
  let out = '';
  for (let i = 0; i < CODE_LENGTH; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/** What a student types: upper-cased, spaces and dashes dropped (codes are shown as "ABC DEF"). */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export interface RotatingKey {
  /** key ⊕ ipad, 64 bytes */
  inner: Buffer;
  /** key ⊕ opad, 64 bytes */
  outer: Buffer;
}

/**
 * A fresh 32-byte HMAC-SHA256 key, stored as its two padded halves so PostgreSQL can compute the HMAC with the
 * built-in sha256() (see migration AttendanceCodes): HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)).
 */
export function newRotatingKey(key: Buffer = randomBytes(32)): RotatingKey {
  const block = Buffer.alloc(64);
  key.copy(block);
  const inner = Buffer.alloc(64);
  const outer = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  return { inner, outer };
}

/** The slot a moment falls in. */
export function slotOf(epochMs: number, slotSeconds: number): number {
  return Math.floor(epochMs / 1000 / slotSeconds);
}

/** The code shown during one slot: HMAC-SHA256(key, slot as int8) → 56 bits → 6 alphabet characters. Same as the SQL function. */
export function rotatingCode(key: RotatingKey, slot: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigInt64BE(BigInt(slot));
  const innerHash = createHash('sha256').update(key.inner).update(msg).digest();
  const mac = createHash('sha256').update(key.outer).update(innerHash).digest();
  let v = BigInt('0x' + mac.subarray(0, 7).toString('hex'));
  let out = '';
  const n = BigInt(CODE_ALPHABET.length);
  for (let i = 0; i < CODE_LENGTH; i++) {
    out += CODE_ALPHABET[Number(v % n)];
    v /= n;
  }
  return out;
}
