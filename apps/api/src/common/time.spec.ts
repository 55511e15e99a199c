import { iso, isValidTimeZone } from './time.js';

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
