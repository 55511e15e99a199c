import type { SeedContext } from './demo-school.js';

/**
 * Attendance history for the demo school (SPEC §6), read from the sessions the courses step wrote (no-op without
 * any). Every session that has ended is closed with a record per enrolled student — mostly present, some late,
 * absent and excused, with the matching event log (check-in, validation, closing) — and student@example.com gets a
 * couple of absences and a late arrival to justify. Sessions open for check-in right now get a few pending check-ins
 * (never the demo student's, so they can try checking in).
 */
export async function seedAttendance({ m, now, userIds }: SeedContext): Promise<void> {
  const demoStudent = userIds.get('student@example.com') ?? null;
  const recorded: { n: number }[] = await m.query(
    `WITH past AS (
       SELECT s.id, s.course_id, s.starts_at, s.ends_at,
              (SELECT ct.teacher_id FROM course_teachers ct WHERE ct.course_id = s.course_id ORDER BY ct.created_at, ct.teacher_id LIMIT 1) AS teacher_id
         FROM class_sessions s WHERE s.ends_at <= $1 AND s.state <> 'closed'
     ), dice AS (
       SELECT p.*, e.student_id, abs(hashtext(p.id::text || e.student_id::text)) % 100 AS d, abs(hashtext(e.student_id::text || p.id::text)) % 1000 AS d2
         FROM past p JOIN enrollments e ON e.course_id = p.course_id
     ), ins AS (
       INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at, validated_at, validated_by, note)
       SELECT id, student_id,
              CASE WHEN d < 78 THEN 'present' WHEN d < 88 THEN 'late' WHEN d < 96 THEN 'absent' ELSE 'excused' END,
              CASE WHEN d < 78 AND d2 % 3 = 0 THEN 'qr' WHEN d < 88 THEN 'code' WHEN d < 96 THEN 'auto-close' ELSE 'teacher' END,
              CASE WHEN d < 78 THEN starts_at + ((d2 % 13) - 5) * interval '1 minute'
                   WHEN d < 88 THEN starts_at + (12 + d2 % 20) * interval '1 minute' END,
              CASE WHEN d < 88 THEN ends_at - interval '10 minutes' ELSE ends_at END,
              CASE WHEN d < 88 OR d >= 96 THEN teacher_id END,
              CASE WHEN d >= 96 THEN 'Medical certificate shown in class' END
         FROM dice
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM ins`,
    [now],
  );
  if (!recorded[0]?.n) return;

  if (demoStudent) {
    // Something to justify: the 2nd and 5th most recent past sessions absent, the 3rd late.
    await m.query(
      `WITH mine AS (
         SELECT r.session_id, s.starts_at, row_number() OVER (ORDER BY s.starts_at DESC) AS rn
           FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id
          WHERE r.student_id = $1 AND s.ends_at <= $2 AND s.state <> 'closed'
       )
       UPDATE attendance_records r
          SET status = CASE WHEN mine.rn = 3 THEN 'late' ELSE 'absent' END,
              source = CASE WHEN mine.rn = 3 THEN 'code' ELSE 'auto-close' END,
              checked_in_at = CASE WHEN mine.rn = 3 THEN mine.starts_at + interval '17 minutes' END,
              validated_by = CASE WHEN mine.rn = 3 THEN r.validated_by END,
              note = NULL
         FROM mine
        WHERE r.session_id = mine.session_id AND r.student_id = $1 AND mine.rn IN (2, 3, 5)`,
      [demoStudent, now],
    );
  }

  // The event log of what happened: check-in and validation, or the status set at closing.
  await m.query(
    `WITH r AS (
       SELECT r.* FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id
        WHERE s.ends_at <= $1 AND s.state <> 'closed'
     )
     INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason, created_at)
     SELECT session_id, student_id, NULL, 'pending', source, student_id, 'check-in', checked_in_at FROM r WHERE checked_in_at IS NOT NULL
     UNION ALL
     SELECT session_id, student_id, 'pending', status, 'teacher', validated_by, 'validated', validated_at FROM r WHERE checked_in_at IS NOT NULL
     UNION ALL
     SELECT session_id, student_id, NULL, status, source, validated_by, COALESCE(note, 'session ended'), validated_at FROM r WHERE checked_in_at IS NULL`,
    [now],
  );
  await m.query(
    `UPDATE class_sessions SET state = 'closed', closed_at = ends_at, updated_at = $1 WHERE ends_at <= $1 AND state <> 'closed'`,
    [now],
  );

  // Sessions open for check-in now: a few students already checked in, waiting for validation.
  await m.query(
    `WITH open AS (
       SELECT s.id, s.course_id, s.starts_at FROM class_sessions s JOIN courses c ON c.id = s.course_id
        WHERE session_checkin_open(s.state, s.starts_at, s.ends_at, c.checkin_opens_minutes, $1)
     ), picked AS (
       SELECT o.id, e.student_id, LEAST($1, o.starts_at + (row_number() OVER (PARTITION BY o.id ORDER BY u.full_name)) * interval '1 minute') AS at,
              row_number() OVER (PARTITION BY o.id ORDER BY u.full_name) AS rn
         FROM open o JOIN enrollments e ON e.course_id = o.course_id JOIN users u ON u.id = e.student_id
        WHERE e.student_id IS DISTINCT FROM $2
     ), ins AS (
       INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at)
       SELECT id, student_id, 'pending', CASE WHEN rn % 2 = 0 THEN 'qr' ELSE 'code' END, at FROM picked WHERE rn <= 6
       ON CONFLICT DO NOTHING
       RETURNING session_id, student_id, source, checked_in_at
     )
     INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason, created_at)
     SELECT session_id, student_id, NULL, 'pending', source, student_id, 'check-in', checked_in_at FROM ins`,
    [now, demoStudent],
  );
}
