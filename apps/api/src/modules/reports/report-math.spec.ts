import { checkInBuckets, rateDelta, rateOf, withRate } from './report-math.js';

describe('report math', () => {
  it('counts a held session without a record as absent and leaves excused out of the denominator', () => {
    // 5 held: 2 present, 1 late, 1 excused, 1 never checked in → 3 ÷ (5 − 1)
    expect(withRate({ held: 5, present: 2, late: 1, excused: 1, pending: 0 })).toEqual({
      held: 5,
      present: 2,
      late: 1,
      excused: 1,
      pending: 0,
      absent: 1,
      rate: 0.75,
    });
  });

  it('counts pending check-ins as attended', () => {
    expect(withRate({ held: 2, present: 0, late: 0, excused: 0, pending: 1 }).rate).toBe(0.5);
  });

  it('has no rate when nothing counts', () => {
    expect(rateOf(0, 0, 0)).toBeNull();
    expect(rateOf(0, 2, 2)).toBeNull();
    expect(rateOf(2, 3, 0)).toBe(0.6667);
  });

  it('computes trends only from known rates', () => {
    expect(rateDelta(0.5, 0.75)).toBe(-0.25);
    expect(rateDelta(null, 0.75)).toBeNull();
  });

  it('labels the check-in buckets in order', () => {
    expect(checkInBuckets().map((b) => b.label)).toEqual([
      '< -5',
      '-5 to 0',
      '0 to 5',
      '5 to 10',
      '10 to 15',
      '15 to 30',
      '>= 30',
    ]);
  });
});
