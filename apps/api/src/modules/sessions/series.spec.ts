import { DateTime } from 'luxon';
import { expandWeeklySeries, isoInZone, MAX_SERIES_SESSIONS, retime } from './series.js';

const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone });

describe('expandWeeklySeries', () => {
  it.each([
    ['Europe/Lisbon', '2026-03-23', '2026-04-03', '2026-03-29'],
    ['Europe/Lisbon', '2026-10-19', '2026-10-30', '2026-10-25'],
    ['America/New_York', '2026-03-02', '2026-03-13', '2026-03-08'],
    ['America/New_York', '2026-10-26', '2026-11-06', '2026-11-01'],
  ])('keeps 09:00 local across the DST change in %s (%s → %s)', (zone, from, to, changeDay) => {
    const r = expandWeeklySeries({ weekdays: [1, 3], startTime: '09:00', endTime: '10:30', from, to }, zone);
    if (!('slots' in r)) throw new Error(JSON.stringify(r.problem));
    expect(r.slots).toHaveLength(4);
    for (const s of r.slots) {
      expect(local(s.startsAt, zone).toFormat('HH:mm')).toBe('09:00');
      expect(local(s.endsAt, zone).toFormat('HH:mm')).toBe('10:30');
      expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(90 * 60_000);
    }
    const before = r.slots.filter((s) => local(s.startsAt, zone).toISODate()! < changeDay);
    const after = r.slots.filter((s) => local(s.startsAt, zone).toISODate()! > changeDay);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // The UTC hour moves by one across the change.
    expect(before[0].startsAt.getUTCHours()).not.toBe(after[0].startsAt.getUTCHours());
  });

  it('includes both ends of the range and only the listed weekdays', () => {
    const r = expandWeeklySeries(
      { weekdays: [7], startTime: '08:00', endTime: '09:00', from: '2026-01-04', to: '2026-01-18' },
      'UTC',
    );
    if (!('slots' in r)) throw new Error('expected slots');
    expect(r.slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-01-04T08:00:00.000Z',
      '2026-01-11T08:00:00.000Z',
      '2026-01-18T08:00:00.000Z',
    ]);
  });

  it('rejects end before start, more than 12 hours, reversed ranges, empty and oversized series', () => {
    const base = { weekdays: [1], startTime: '09:00', endTime: '10:00', from: '2026-01-05', to: '2026-01-05' };
    expect(expandWeeklySeries({ ...base, endTime: '09:00' }, 'UTC')).toMatchObject({
      problem: { field: 'series.endTime' },
    });
    expect(expandWeeklySeries({ ...base, startTime: '06:00', endTime: '18:01' }, 'UTC')).toMatchObject({
      problem: { field: 'series.endTime' },
    });
    expect(expandWeeklySeries({ ...base, from: '2026-01-06', to: '2026-01-05' }, 'UTC')).toMatchObject({
      problem: { field: 'series.to' },
    });
    expect(expandWeeklySeries({ ...base, weekdays: [2] }, 'UTC')).toMatchObject({
      problem: { field: 'series.weekdays' },
    });
    expect(expandWeeklySeries({ ...base, weekdays: [1, 2, 3, 4, 5, 6, 7], to: '2027-12-31' }, 'UTC')).toMatchObject({
      problem: { kind: 'too-many' },
    });
    const max = expandWeeklySeries(
      {
        ...base,
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        to: DateTime.fromISO('2026-01-05')
          .plus({ days: MAX_SERIES_SESSIONS - 1 })
          .toISODate()!,
      },
      'UTC',
    );
    expect('slots' in max && max.slots.length).toBe(MAX_SERIES_SESSIONS);
  });

  it('moves a time inside the spring-forward gap forward instead of failing', () => {
    const r = expandWeeklySeries(
      { weekdays: [7], startTime: '02:30', endTime: '04:00', from: '2026-03-08', to: '2026-03-08' },
      'America/New_York',
    );
    if (!('slots' in r)) throw new Error('expected slots');
    expect(local(r.slots[0].startsAt, 'America/New_York').toFormat('HH:mm')).toBe('03:30');
  });
});

describe('time zone helpers', () => {
  it('formats instants with the zone offset', () => {
    expect(isoInZone(new Date('2026-07-01T08:00:00Z'), 'Europe/Lisbon')).toBe('2026-07-01T09:00:00.000+01:00');
    expect(isoInZone(new Date('2026-01-01T09:00:00Z'), 'Europe/Lisbon')).toBe('2026-01-01T09:00:00.000+00:00');
  });

  it('retimes a session on its own local date', () => {
    const slot = { startsAt: new Date('2026-10-26T09:00:00Z'), endsAt: new Date('2026-10-26T10:30:00Z') };
    const moved = retime(slot, 'Europe/Lisbon', '14:00', '15:00');
    expect(isoInZone(moved.startsAt, 'Europe/Lisbon')).toBe('2026-10-26T14:00:00.000+00:00');
    expect(moved.endsAt.toISOString()).toBe('2026-10-26T15:00:00.000Z');
    expect(retime(slot, 'Europe/Lisbon', undefined, '11:00').startsAt).toEqual(slot.startsAt);
  });
});
