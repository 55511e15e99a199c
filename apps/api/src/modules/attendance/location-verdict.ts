import { AttendanceFlag, LocationMode, LocationVerdict } from '@sysponto/contracts';

/** A position as a browser reports it: degrees, and the accuracy radius in metres. */
export interface GeoFix {
  latitude: number;
  longitude: number;
  accuracy: number;
}

/** Mean Earth radius (IUGG), metres. The SQL mirror (`attendance_distance_m`) uses the same value. */
export const EARTH_RADIUS_METERS = 6371008.8;

/** Great-circle distance in metres (haversine). Mirrored in SQL by `attendance_distance_m`; a test compares them. */
export function distanceMeters(a: Pick<GeoFix, 'latitude' | 'longitude'>, b: Pick<GeoFix, 'latitude' | 'longitude'>) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The in-room check (issue 16). With d the distance between the student's and the teacher's positions and a_s, a_t
 * their accuracies, the least the student can be away from the anchor is d − a_s − a_t:
 * - `out-of-range` when d − a_s − a_t exceeds the radius (certainly outside, however poor the readings);
 * - `unknown` when there is no location (none sent, or no anchor set) or a reading is too poor to tell — its accuracy
 *   circle is wider than the radius itself;
 * - `in-range` otherwise: d − a_s − a_t is within the radius.
 * Mirrored in SQL by `attendance_location_verdict`; a test compares them.
 */
export function locationVerdict(student: GeoFix | null, anchor: GeoFix | null, radiusMeters: number): LocationVerdict {
  if (!student || !anchor) return LocationVerdict.Unknown;
  const least = distanceMeters(student, anchor) - student.accuracy - anchor.accuracy;
  if (least > radiusMeters) return LocationVerdict.OutOfRange;
  if (student.accuracy > radiusMeters || anchor.accuracy > radiusMeters) return LocationVerdict.Unknown;
  return LocationVerdict.InRange;
}

/** What a verdict means for the check-in under a course's mode: refused (require + out-of-range) and the flags. */
export function locationOutcome(
  mode: LocationMode,
  verdict: LocationVerdict,
): { refused: boolean; flags: AttendanceFlag[] } {
  switch (mode) {
    case LocationMode.Off:
      return { refused: false, flags: [] };
    case LocationMode.Flag:
      return {
        refused: false,
        flags:
          verdict === LocationVerdict.OutOfRange
            ? [AttendanceFlag.LocationOutOfRange]
            : verdict === LocationVerdict.Unknown
              ? [AttendanceFlag.LocationUnknown]
              : [],
      };
    case LocationMode.Require:
      return {
        refused: verdict === LocationVerdict.OutOfRange,
        flags: verdict === LocationVerdict.Unknown ? [AttendanceFlag.LocationUnknown] : [],
      };
  }
}
