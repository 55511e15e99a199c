import { CODE_ALPHABET } from '@sysponto/contracts';
import { generateJoinCode, JOIN_CODE_LENGTH, normalizeJoinCode } from './join-code.js';

describe('join codes', () => {
  it('uses only the unambiguous alphabet and the fixed length', () => {
    for (let i = 0; i < 500; i++) {
      const code = generateJoinCode();
      expect(code).toHaveLength(JOIN_CODE_LENGTH);
      for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
      expect(code).not.toMatch(/[01OIL]/);
    }
  });

  it('does not repeat in practice', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateJoinCode()));
    expect(seen.size).toBe(2000);
  });

  it('normalizes case, spaces and dashes', () => {
    expect(normalizeJoinCode(' prgc-s234 ')).toBe('PRGCS234');
  });
});
