-- Great-circle distance in metres between two WGS 84 points (haversine, mean Earth radius 6,371,008.8 m).
-- TypeScript mirror: distanceMeters() in modules/attendance/location-verdict.ts (test/integrity-checkin.e2e-spec.ts
-- checks both agree).
CREATE OR REPLACE FUNCTION attendance_distance_m(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT 2 * 6371008.8 * asin(least(1, sqrt(
           power(sin(radians(lat2 - lat1) / 2), 2)
           + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))))
$$;
