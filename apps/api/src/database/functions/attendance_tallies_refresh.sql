-- The tallies of closed sessions (migration AttendanceTallies, issue 15): makes attendance_closed_rows hold exactly
-- the rows of attendance_expected for closed sessions within one scope, and moves the difference into the tallies
-- (attendance_student_tallies per course and student, attendance_session_tallies per session):
--   p_by 'session': the sessions p_a (every student);
--   p_by 'student': the (course, student) pairs zip(p_a, p_b) (every session of the course);
--   p_by 'record':  the (session, student) pairs zip(p_a, p_b).
-- The scope's old rows are deleted and subtracted, then the view's rows inserted and added (two statements: a row
-- can leave and come back with the same key), and tallies left at zero rows are dropped. Increments, never
-- recomputed totals, so two transactions changing different rows of one tally both count (row locks order them).
-- Called by attendance_tallies_track(), the triggers on every table the view reads; a closed session is held
-- whatever now() says, so these rows never go stale by time alone. test/attendance-tallies.e2e-spec.ts compares
-- them with the view.
CREATE OR REPLACE FUNCTION attendance_tallies_refresh(p_by text, p_a uuid[], p_b uuid[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  scope text := CASE p_by
    WHEN 'session' THEN '@.session_id = ANY ($1)'
    WHEN 'student' THEN '(@.course_id, @.student_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))'
    WHEN 'record' THEN '(@.session_id, @.student_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))'
  END;
  -- Adds the rows d (signed by SIGN) to both tallies.
  tally text := $t$,
    students AS (
      INSERT INTO attendance_student_tallies AS t (course_id, student_id, held, present, late, absent, excused, pending)
      SELECT d.course_id, d.student_id, SIGN count(*), SIGN count(*) FILTER (WHERE d.outcome = 'present'),
             SIGN count(*) FILTER (WHERE d.outcome = 'late'), SIGN count(*) FILTER (WHERE d.outcome = 'absent'),
             SIGN count(*) FILTER (WHERE d.outcome = 'excused'), SIGN count(*) FILTER (WHERE d.outcome = 'pending')
        FROM d GROUP BY d.course_id, d.student_id
      ON CONFLICT (course_id, student_id) DO UPDATE
        SET held = t.held + excluded.held, present = t.present + excluded.present, late = t.late + excluded.late,
            absent = t.absent + excluded.absent, excused = t.excused + excluded.excused,
            pending = t.pending + excluded.pending
    ), sessions AS (
      INSERT INTO attendance_session_tallies AS t (session_id, course_id, held, present, late, absent, excused, pending, buckets)
      SELECT d.session_id, d.course_id, SIGN count(*), SIGN count(*) FILTER (WHERE d.outcome = 'present'),
             SIGN count(*) FILTER (WHERE d.outcome = 'late'), SIGN count(*) FILTER (WHERE d.outcome = 'absent'),
             SIGN count(*) FILTER (WHERE d.outcome = 'excused'), SIGN count(*) FILTER (WHERE d.outcome = 'pending'),
             ARRAY[SIGN count(*) FILTER (WHERE d.bucket = 0), SIGN count(*) FILTER (WHERE d.bucket = 1),
                   SIGN count(*) FILTER (WHERE d.bucket = 2), SIGN count(*) FILTER (WHERE d.bucket = 3),
                   SIGN count(*) FILTER (WHERE d.bucket = 4), SIGN count(*) FILTER (WHERE d.bucket = 5),
                   SIGN count(*) FILTER (WHERE d.bucket = 6)]::int[]
        FROM d GROUP BY d.session_id, d.course_id
      ON CONFLICT (session_id) DO UPDATE
        SET course_id = excluded.course_id, held = t.held + excluded.held, present = t.present + excluded.present, late = t.late + excluded.late,
            absent = t.absent + excluded.absent, excused = t.excused + excluded.excused,
            pending = t.pending + excluded.pending,
            buckets = ARRAY(SELECT u.a + u.b FROM unnest(t.buckets, excluded.buckets) WITH ORDINALITY u(a, b, i) ORDER BY u.i)
    )$t$;
  sessions uuid[];
  courses uuid[];
  students uuid[];
BEGIN
  IF scope IS NULL THEN
    RAISE EXCEPTION 'attendance_tallies_refresh: unknown scope %', p_by;
  END IF;
  IF coalesce(cardinality(p_a), 0) = 0 THEN
    RETURN;
  END IF;
  -- 1. The scope's rows as they were: deleted and subtracted.
  EXECUTE 'WITH d AS (DELETE FROM attendance_closed_rows c WHERE ' || replace(scope, '@', 'c')
          || ' RETURNING c.session_id, c.course_id, c.student_id, c.outcome, c.bucket)' || replace(tally, 'SIGN', '-')
          || ' SELECT (SELECT array_agg(DISTINCT d.session_id) FROM d),
                      k.courses, k.students
                 FROM (SELECT array_agg(p.course_id ORDER BY p.course_id, p.student_id) AS courses,
                              array_agg(p.student_id ORDER BY p.course_id, p.student_id) AS students
                         FROM (SELECT DISTINCT d.course_id, d.student_id FROM d) p) k'
    INTO sessions, courses, students
    USING p_a, p_b;
  -- 2. The view's rows for the scope's closed sessions (a closed session is held: outcome is never null): inserted
  --    and added. bucket: the check-in minute's bucket, as BUCKET_OF in modules/reports/report-sql.ts.
  EXECUTE 'WITH d AS (INSERT INTO attendance_closed_rows (session_id, course_id, student_id, starts_at, outcome, bucket)
                      SELECT x.session_id, x.course_id, x.student_id, x.starts_at, x.outcome,
                             width_bucket(date_part(''epoch'', x.checked_in_at - x.starts_at) / 60,
                                          ARRAY[-5, 0, 5, 10, 15, 30]::float8[])
                        FROM attendance_expected x JOIN class_sessions s ON s.id = x.session_id
                       WHERE s.state = ''closed'' AND ' || replace(scope, '@', 'x')
          || ' RETURNING session_id, course_id, student_id, outcome, bucket)' || replace(tally, 'SIGN', '')
          || ' SELECT 1'
    USING p_a, p_b;
  -- 3. Tallies with no row left.
  IF courses IS NOT NULL THEN
    DELETE FROM attendance_student_tallies t
     WHERE t.held = 0 AND (t.course_id, t.student_id) IN (SELECT * FROM unnest(courses, students));
  END IF;
  IF sessions IS NOT NULL THEN
    DELETE FROM attendance_session_tallies t WHERE t.held = 0 AND t.session_id = ANY (sessions);
  END IF;
END
$$;
