-- The one attendance-rate formula: attended ÷ (held − excused), a fraction 0..1 rounded to 4 decimals, null when
-- nothing counts (held − excused = 0). attended = present + late + pending (rows of attendance_expected with
-- `attended`), held and excused from the same rows. Every rate of the product divides with it (reports/rates.queries.ts);
-- its TypeScript mirror rateOf() in modules/reports/report-math.ts is checked against it in test/rates.e2e-spec.ts.
CREATE OR REPLACE FUNCTION attendance_rate(p_attended bigint, p_held bigint, p_excused bigint)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN p_held - p_excused > 0
              THEN round(least(p_attended, p_held - p_excused)::numeric / (p_held - p_excused), 4)::float8 END
$$;
