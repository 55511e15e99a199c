import { randomInt } from 'node:crypto';
import { CODE_ALPHABET } from '@sysponto/contracts';

export const JOIN_CODE_LENGTH = 8;

/** A random join code from the unambiguous alphabet (31^8 ≈ 8.5·10^11 codes), from a cryptographic RNG. */
export function generateJoinCode(length = JOIN_CODE_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/** What a student typed, normalized the way codes are stored: upper case, no spaces or dashes. */
export function normalizeJoinCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}
