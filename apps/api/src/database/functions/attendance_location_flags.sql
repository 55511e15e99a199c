-- The roster flags a location verdict raises under a course's location mode: 'flag' → out-of-range and unknown are
-- flagged; 'require' → unknown is flagged (out-of-range is refused by the check-in); 'off' → nothing.
-- TypeScript mirror: locationOutcome() in modules/attendance/location-verdict.ts (test/integrity-checkin.e2e-spec.ts).
CREATE OR REPLACE FUNCTION attendance_location_flags(mode varchar, verdict varchar)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
           WHEN mode = 'flag' AND verdict = 'out-of-range' THEN ARRAY['location-out-of-range']
           WHEN mode IN ('flag', 'require') AND verdict = 'unknown' THEN ARRAY['location-unknown']
           ELSE ARRAY[]::text[]
         END
$$;
