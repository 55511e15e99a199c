import { AttendanceFlag, LocationMode, LocationVerdict } from '@sysponto/contracts';
import { distanceMeters, type GeoFix, locationOutcome, locationVerdict } from './location-verdict.js';

/** A point `meters` north of `p` (1° of latitude ≈ 111,195 m on the mean sphere). */
function north(p: GeoFix, meters: number, accuracy: number): GeoFix {
  return { latitude: p.latitude + meters / 111_194.93, longitude: p.longitude, accuracy };
}

describe('in-room check', () => {
  const room: GeoFix = { latitude: 38.7369, longitude: -9.1427, accuracy: 10 };

  it('measures great-circle distances', () => {
    expect(distanceMeters(room, room)).toBe(0);
    expect(distanceMeters(room, north(room, 100, 0))).toBeCloseTo(100, 1);
    // Big Ben → the Statue of Liberty, the classic haversine example: 5,574.8 km.
    const bigBen = { latitude: 51.5007, longitude: -0.1246 };
    expect(distanceMeters(bigBen, { latitude: 40.6892, longitude: -74.0445 }) / 1000).toBeCloseTo(5574.8, 0);
    // Antipodes: half the circumference, no NaN.
    expect(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(
      Math.PI * 6371008.8,
      0,
    );
  });

  it('decides in-range when the distance minus both accuracies is within the radius', () => {
    // 149.9 m away, accuracies 10 + 60: at least 79.9 m away → within the 80 m radius.
    expect(locationVerdict(north(room, 149.9, 60), room, 80)).toBe(LocationVerdict.InRange);
    expect(locationVerdict(north(room, 20, 5), room, 80)).toBe(LocationVerdict.InRange);
    expect(locationVerdict(room, room, 20)).toBe(LocationVerdict.InRange);
  });

  it('decides out-of-range when the distance minus both accuracies exceeds the radius', () => {
    expect(locationVerdict(north(room, 150.1, 60), room, 80)).toBe(LocationVerdict.OutOfRange);
    expect(locationVerdict(north(room, 5000, 15), room, 80)).toBe(LocationVerdict.OutOfRange);
    // Certainly outside even with a poor reading.
    expect(locationVerdict(north(room, 5000, 1000), room, 80)).toBe(LocationVerdict.OutOfRange);
  });

  it('answers unknown without a location, without an anchor, or with a reading too poor to tell', () => {
    expect(locationVerdict(null, room, 80)).toBe(LocationVerdict.Unknown);
    expect(locationVerdict(north(room, 10, 5), null, 80)).toBe(LocationVerdict.Unknown);
    // The student's accuracy circle (500 m) is wider than the radius: near, but it cannot tell.
    expect(locationVerdict(north(room, 30, 500), room, 80)).toBe(LocationVerdict.Unknown);
    // The teacher's reading is the poor one.
    expect(locationVerdict(north(room, 30, 5), { ...room, accuracy: 120 }, 80)).toBe(LocationVerdict.Unknown);
  });

  it('turns verdicts into refusals and flags per mode', () => {
    const all = [LocationVerdict.InRange, LocationVerdict.OutOfRange, LocationVerdict.Unknown];
    expect(all.map((v) => locationOutcome(LocationMode.Off, v))).toEqual([
      { refused: false, flags: [] },
      { refused: false, flags: [] },
      { refused: false, flags: [] },
    ]);
    expect(all.map((v) => locationOutcome(LocationMode.Flag, v))).toEqual([
      { refused: false, flags: [] },
      { refused: false, flags: [AttendanceFlag.LocationOutOfRange] },
      { refused: false, flags: [AttendanceFlag.LocationUnknown] },
    ]);
    expect(all.map((v) => locationOutcome(LocationMode.Require, v))).toEqual([
      { refused: false, flags: [] },
      { refused: true, flags: [] },
      { refused: false, flags: [AttendanceFlag.LocationUnknown] },
    ]);
  });
});
