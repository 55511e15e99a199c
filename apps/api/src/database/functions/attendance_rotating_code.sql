-- A rotating attendance code: HMAC-SHA256(key, int8 slot) from the stored inner/outer padded keys (core sha256, no
-- pgcrypto needed), mapped to 6 characters of the code alphabet (CODE_ALPHABET in libs/contracts) from the first
-- 56 bits. TypeScript twin: rotatingCode() in modules/attendance/attendance-codes.ts.
CREATE OR REPLACE FUNCTION attendance_rotating_code(key_inner bytea, key_outer bytea, slot bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', ((d.v / power(31, i)::bigint) % 31)::int + 1, 1), '' ORDER BY i)
    FROM (SELECT ('x' || encode(substring(sha256(key_outer || sha256(key_inner || int8send(slot))) FROM 1 FOR 7), 'hex'))::bit(56)::bigint AS v) d,
         generate_series(0, 5) AS i
$$;
