-- The one definition of "this session is held" (counts in rates): closed, or its end has passed — never a cancelled
-- session. Used by the view attendance_expected (migration EnrollmentHistory) and every report query; docs/reports.md.
CREATE OR REPLACE FUNCTION attendance_session_held(p_state varchar, p_ends_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT p_state = 'closed' OR (p_state <> 'cancelled' AND p_ends_at <= now())
$$;
