-- The in-room check (issue 16). With d the distance from the student to the room's anchor and both accuracies
-- subtracted, d − a_student − a_anchor is the least the student can be away:
--   'out-of-range' when it exceeds the radius (certainly outside, however poor the readings);
--   'unknown' without a location (none sent, or no anchor set) or when a reading is too poor to tell (its accuracy
--             circle is wider than the radius itself);
--   'in-range' otherwise (within the radius).
-- Only this verdict is ever stored, never the student's coordinates (docs/privacy.md).
-- TypeScript mirror: locationVerdict() in modules/attendance/location-verdict.ts (test/integrity-checkin.e2e-spec.ts).
CREATE OR REPLACE FUNCTION attendance_location_verdict(s_lat float8, s_lon float8, s_acc float8, a_lat float8, a_lon float8, a_acc float8, radius float8)
RETURNS varchar
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
           WHEN s_lat IS NULL OR s_lon IS NULL OR s_acc IS NULL OR a_lat IS NULL OR a_lon IS NULL OR a_acc IS NULL THEN 'unknown'
           WHEN attendance_distance_m(s_lat, s_lon, a_lat, a_lon) - s_acc - a_acc > radius THEN 'out-of-range'
           WHEN s_acc > radius OR a_acc > radius THEN 'unknown'
           ELSE 'in-range'
         END::varchar
$$;
