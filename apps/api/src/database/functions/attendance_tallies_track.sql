-- Statement-level trigger (AFTER INSERT, UPDATE, DELETE with transition tables old_rows / new_rows) on every table
-- attendance_expected reads: attendance_records, class_sessions, enrollments. It finds what the statement changed
-- that the view's rows for closed sessions depend on and refreshes exactly that (attendance_tallies_refresh), so every
-- writer — the app's, imports, seeds, a script, ones added later — keeps the tallies true (migration
-- AttendanceTallies, issue 15):
--   attendance_records: the (session, student) pairs whose status or check-in time changed (or that appeared or went);
--   class_sessions:     the sessions that are or were closed and changed state, times or course;
--   enrollments:        the (course, student) pairs whose periods changed.
-- Locks order concurrent writers, so each refresh reads the other's committed rows: a record's session FOR SHARE
-- (closing or reopening it waits, as for a check-in), and the course row — FOR SHARE for records of closed sessions and
-- for sessions, FOR NO KEY UPDATE for enrollments (a period that changes who is expected at a closed session).
CREATE OR REPLACE FUNCTION attendance_tallies_track()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  a uuid[];
  b uuid[];
  c uuid[];
BEGIN
  IF TG_TABLE_NAME = 'attendance_records' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.session_id), array_agg(n.student_id) INTO a, b FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.session_id), array_agg(o.student_id) INTO a, b FROM old_rows o;
    ELSE
      SELECT array_agg(k.session_id), array_agg(k.student_id) INTO a, b
        FROM (SELECT o.session_id, o.student_id, n.session_id AS new_session_id, n.student_id AS new_student_id
                FROM old_rows o JOIN new_rows n ON n.id = o.id
               WHERE (o.session_id, o.student_id, o.status, o.checked_in_at)
                     IS DISTINCT FROM (n.session_id, n.student_id, n.status, n.checked_in_at)) ch,
             LATERAL (VALUES (ch.session_id, ch.student_id), (ch.new_session_id, ch.new_student_id)) k(session_id, student_id);
    END IF;
    IF a IS NULL THEN
      RETURN NULL;
    END IF;
    PERFORM 1 FROM class_sessions s WHERE s.id = ANY (a) ORDER BY s.id FOR SHARE;
    SELECT array_agg(DISTINCT s.course_id) INTO c FROM class_sessions s WHERE s.id = ANY (a) AND s.state = 'closed';
    IF c IS NULL THEN
      RETURN NULL; -- no closed session: nothing counted yet (the check-in hot path ends here)
    END IF;
    PERFORM 1 FROM courses co WHERE co.id = ANY (c) ORDER BY co.id FOR SHARE;
    SELECT array_agg(k.session_id), array_agg(k.student_id) INTO a, b
      FROM (SELECT DISTINCT u.session_id, u.student_id FROM unnest(a, b) u(session_id, student_id)
             WHERE u.session_id IN (SELECT s.id FROM class_sessions s WHERE s.id = ANY (a) AND s.state = 'closed')) k;
    PERFORM attendance_tallies_refresh('record', a, b);
  ELSIF TG_TABLE_NAME = 'class_sessions' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.id), array_agg(DISTINCT n.course_id) INTO a, c FROM new_rows n WHERE n.state = 'closed';
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.id), array_agg(DISTINCT o.course_id) INTO a, c FROM old_rows o WHERE o.state = 'closed';
    ELSE
      SELECT array_agg(n.id), array_agg(DISTINCT k.course_id) INTO a, c
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
             LATERAL (VALUES (o.course_id), (n.course_id)) k(course_id)
       WHERE (o.state = 'closed' OR n.state = 'closed')
         AND (o.state, o.starts_at, o.ends_at, o.course_id) IS DISTINCT FROM (n.state, n.starts_at, n.ends_at, n.course_id);
    END IF;
    IF a IS NULL THEN
      RETURN NULL;
    END IF;
    PERFORM 1 FROM courses co WHERE co.id = ANY (c) ORDER BY co.id FOR SHARE;
    SELECT array_agg(DISTINCT u.id) INTO a FROM unnest(a) u(id);
    PERFORM attendance_tallies_refresh('session', a, NULL);
  ELSIF TG_TABLE_NAME = 'enrollments' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(n.course_id), array_agg(n.student_id) INTO a, b FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(o.course_id), array_agg(o.student_id) INTO a, b FROM old_rows o;
    ELSE
      SELECT array_agg(k.course_id), array_agg(k.student_id) INTO a, b
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
             LATERAL (VALUES (o.course_id, o.student_id), (n.course_id, n.student_id)) k(course_id, student_id)
       WHERE (o.course_id, o.student_id, o.enrolled_at, o.ended_at)
             IS DISTINCT FROM (n.course_id, n.student_id, n.enrolled_at, n.ended_at);
    END IF;
    IF a IS NULL THEN
      RETURN NULL;
    END IF;
    PERFORM 1 FROM courses co WHERE co.id IN (SELECT unnest(a)) ORDER BY co.id FOR NO KEY UPDATE;
    SELECT array_agg(k.course_id), array_agg(k.student_id) INTO a, b
      FROM (SELECT DISTINCT u.course_id, u.student_id FROM unnest(a, b) u(course_id, student_id)) k;
    PERFORM attendance_tallies_refresh('student', a, b);
  END IF;
  RETURN NULL;
END
$$;
