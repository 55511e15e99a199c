import { createHmac, randomBytes } from 'node:crypto';
import { CODE_ALPHABET } from '@sysponto/contracts';
import { generateFixedCode, newRotatingKey, normalizeCode, rotatingCode, slotOf } from './attendance-codes.js';

describe('attendance codes', () => {
  it('generates fixed codes of 6 unambiguous characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = generateFixedCode();
      expect(c).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
      expect(c).not.toMatch(/[01OIL]/);
      seen.add(c);
    }
    expect(seen.size).toBeGreaterThan(1990);
  });

  it('normalizes what a student types', () => {
    expect(normalizeCode(' abc-def ')).toBe('ABCDEF');
    expect(normalizeCode('abc def')).toBe('ABCDEF');
  });

  it('derives rotating codes with a real HMAC-SHA256 of the slot', () => {
    const raw = randomBytes(32);
    const key = newRotatingKey(raw);
    const msg = Buffer.alloc(8);
    msg.writeBigInt64BE(123456n);
    const mac = createHmac('sha256', raw).update(msg).digest();
    let v = BigInt('0x' + mac.subarray(0, 7).toString('hex'));
    let expected = '';
    for (let i = 0; i < 6; i++) {
      expected += CODE_ALPHABET[Number(v % 31n)];
      v /= 31n;
    }
    expect(rotatingCode(key, 123456)).toBe(expected);
    expect(rotatingCode(key, 123457)).not.toBe(expected);
    expect(rotatingCode(key, 123456)).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
  });

  it('puts moments into slots', () => {
    expect(slotOf(0, 20)).toBe(0);
    expect(slotOf(19_999, 20)).toBe(0);
    expect(slotOf(20_000, 20)).toBe(1);
  });

  it('keeps the SQL function in step with the alphabet', async () => {
    const { AttendanceCodes1764120000000 } = await import('../../database/migrations/1764120000000-AttendanceCodes.js');
    const sql: string[] = [];
    await new AttendanceCodes1764120000000().up({ query: async (q: string) => void sql.push(q) } as never);
    expect(sql.join('\n')).toContain(`'${CODE_ALPHABET}'`);
  });
});
