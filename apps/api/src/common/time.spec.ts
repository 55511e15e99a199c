import { formatWhen, iso, isValidTimeZone } from './time.js';

describe('time helpers', () => {
  it('accepts IANA zones only', () => {
    expect(isValidTimeZone('Europe/Lisbon')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('writes database timestamps as ISO UTC, keeping null', () => {
    expect(iso(new Date('2026-03-30T08:00:00+01:00'))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso('2026-03-30 08:00:00+00')).toBe('2026-03-30T08:00:00.000Z');
    expect(iso(null)).toBeNull();
  });
});

describe('formatWhen', () => {
  it('reads the same from a Date and an ISO string, in the zone and language, 24 h', () => {
    const at = '2026-03-30T08:00:00.000Z'; // 09:00 in Lisbon (WEST, after the DST change)
    expect(formatWhen(at, 'Europe/Lisbon', 'en')).toBe('Mon, 30 Mar 2026, 09:00');
    expect(formatWhen(new Date(at), 'Europe/Lisbon', 'en')).toBe('Mon, 30 Mar 2026, 09:00');
    expect(formatWhen(new Date('2026-03-30T14:30:00Z'), 'America/Sao_Paulo', 'pt')).toBe(
      formatWhen('2026-03-30T14:30:00Z', 'America/Sao_Paulo', 'pt'),
    );
    expect(formatWhen('2026-03-30T14:30:00Z', 'America/Sao_Paulo', 'pt')).toMatch(/30.*2026.*11:30$/);
  });
});
