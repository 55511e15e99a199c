-- The one definition of "the check-in window is open" (SPEC §3): not closed or cancelled, and from checkin_opens_minutes before
-- the start until the end (end exclusive). `at` is the instant asked about (usually now()).
-- TypeScript mirror: deriveSessionState()/isCheckinOpen() in modules/sessions/session-state.ts
-- (test/sql-functions.e2e-spec.ts checks both agree over a table of cases).
CREATE OR REPLACE FUNCTION session_checkin_open(state varchar, starts_at timestamptz, ends_at timestamptz, opens_minutes integer, at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT state NOT IN ('closed', 'cancelled') AND at >= session_checkin_opens_at(starts_at, opens_minutes) AND at < ends_at
$$;
