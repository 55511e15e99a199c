-- When check-in opens for a session: its course's checkin_opens_minutes before the start.
-- TypeScript mirror: checkinOpensAt() in modules/sessions/session-state.ts (test/sql-functions.e2e-spec.ts keeps them equal).
-- STABLE (timestamptz − interval is) and a single SELECT, so the planner inlines it into the calling query.
CREATE OR REPLACE FUNCTION session_checkin_opens_at(starts_at timestamptz, opens_minutes integer)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT starts_at - make_interval(mins => opens_minutes)
$$;
