-- The check-in hot path as one PL/pgSQL function around one statement: planning that statement costs far more than
-- running it (≈40 ms vs ≈2 ms on PGlite), and PL/pgSQL keeps its plan per connection. One round trip, one statement:
--
-- among the sessions of the courses the student is enrolled in now (not one they left), find the one whose code matches (a fixed code by index; a
-- rotating code by recomputing the HMAC of the last slots, so any replica accepts it without shared state), prefer a
-- live code in an open window, lock the session row against a concurrent close (FOR SHARE), insert the record
-- (ON CONFLICT DO NOTHING: idempotent), its event and its webhook outbox rows (only when an endpoint subscribes),
-- and return what happened plus any existing record as JSON.
--
-- Integrity (issue 16, docs/privacy.md), in the same round trip:
-- - a rotating code changes every slot_seconds and the previous one is accepted for grace_seconds (both copied from
--   the course policy when the code was generated);
-- - the in-room check: with the course's location mode on, the verdict of p_latitude/p_longitude/p_accuracy against
--   the session's anchor is stored on the new record (only the verdict, never the coordinates) with its flags; mode
--   'require' inserts nothing for 'out-of-range' (the caller answers 403 attendance/out-of-range);
-- - buddy check-ins: p_device_inner/p_device_outer are the padded halves of K_d = HMAC(server secret, device id); the
--   second statement stores HMAC(K_d, session id) for the new record and, when two or more students of the session
--   share it, flags every such record 'shared-device' (also earlier ones, returned in `flagged` for the live roster).
--   An advisory lock per (session, hash) serialises two check-ins from one device, so the later sees the earlier.
--
-- p_now: the app clock in epoch seconds (rotating slots). The location and device arguments may be NULL.
-- Called by modules/attendance/check-in.service.ts. To change it, read README.md in this folder.
CREATE OR REPLACE FUNCTION attendance_check_in(p_student uuid, p_code varchar, p_source varchar, p_now float8,
                                               p_device_inner bytea, p_device_outer bytea,
                                               p_latitude float8, p_longitude float8, p_accuracy float8)
RETURNS SETOF json
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_result json;
  v_session uuid;
  v_hash bytea;
  v_flagged json;
BEGIN
  WITH matched AS (
    SELECT ac.session_id, ac.created_at, (ac.revoked_at IS NULL AND ac.expires_at > now()) AS code_live
      FROM attendance_codes ac
      JOIN class_sessions s ON s.id = ac.session_id
      JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = p_student AND e.ended_at IS NULL
     WHERE ac.code = p_code::varchar
    UNION ALL
    SELECT ac.session_id, ac.created_at,
           (k.slot = cur.slot OR (k.slot = cur.slot - 1 AND p_now::float8 - cur.slot * ac.slot_seconds < COALESCE(ac.grace_seconds, 0))) AS code_live
      FROM attendance_codes ac
      JOIN class_sessions s ON s.id = ac.session_id
      JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = p_student AND e.ended_at IS NULL
      CROSS JOIN LATERAL (SELECT floor(p_now::float8 / ac.slot_seconds)::bigint AS slot) cur
      CROSS JOIN LATERAL generate_series(cur.slot - 3, cur.slot) AS k(slot)
     WHERE ac.mode = 'rotating' AND ac.revoked_at IS NULL AND ac.expires_at > now()
       AND attendance_rotating_code(ac.key_inner, ac.key_outer, k.slot) = p_code::varchar
  ), hit AS (
    SELECT m.session_id, s.course_id, c.code AS course_code, c.name AS course_name, s.title, s.starts_at, s.ends_at,
           session_checkin_opens_at(s.starts_at, c.checkin_opens_minutes) AS opens_at,
           s.starts_at + make_interval(mins => c.late_after_minutes) AS late_at,
           c.requires_validation, m.code_live,
           session_checkin_open(s.state, s.starts_at, s.ends_at, c.checkin_opens_minutes, now()) AS window_open,
           c.location_mode,
           CASE WHEN c.location_mode <> 'off' THEN
             attendance_location_verdict(p_latitude, p_longitude, p_accuracy, a.latitude, a.longitude, a.accuracy_meters, c.location_radius_meters)
           END AS location_verdict
      FROM matched m
      JOIN class_sessions s ON s.id = m.session_id
      JOIN courses c ON c.id = s.course_id
      LEFT JOIN session_location_anchors a ON a.session_id = m.session_id
     ORDER BY m.code_live DESC, window_open DESC, m.created_at DESC
     LIMIT 1
  ), lock AS (
    SELECT s.id, s.state FROM class_sessions s JOIN hit ON hit.session_id = s.id
     WHERE hit.code_live AND hit.window_open
       FOR SHARE OF s
  ), ins AS (
    INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at, location_verdict, flags)
    SELECT hit.session_id, p_student,
           CASE WHEN hit.requires_validation THEN 'pending' WHEN now() > hit.late_at THEN 'late' ELSE 'present' END,
           p_source::varchar, now(), hit.location_verdict, attendance_location_flags(hit.location_mode, hit.location_verdict)
      FROM hit JOIN lock ON lock.id = hit.session_id
     WHERE lock.state NOT IN ('closed', 'cancelled')
       AND NOT (hit.location_mode = 'require' AND hit.location_verdict = 'out-of-range')
    ON CONFLICT (session_id, student_id) DO NOTHING
    RETURNING session_id, status, source, checked_in_at, flags
  ), ev AS (
    INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
    SELECT session_id, p_student, NULL, status, source, p_student, 'check-in' FROM ins
    RETURNING id
  ), wh_ep AS (
    -- The attendance.submitted webhook, in the same statement (the durable outbox): written only when an enabled
    -- endpoint subscribes; otherwise one look at the (small) webhook_endpoints table. Same body as webhooks.queries.ts.
    SELECT we.id FROM webhook_endpoints we
     WHERE we.enabled AND 'attendance.submitted' = ANY (we.events) AND EXISTS (SELECT 1 FROM ins)
  ), wh_msg AS (
    INSERT INTO webhook_messages (event_type, body, ordering_key)
    SELECT 'attendance.submitted',
           json_build_object('type', 'attendance.submitted',
             'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'data', json_build_object('sessionId', ins.session_id, 'studentId', p_student,
               'fullName', (SELECT wu.full_name FROM users wu WHERE wu.id = p_student),
               'checkedInAt', to_char(ins.checked_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'status', ins.status))::text,
           ins.session_id
      FROM ins
     WHERE EXISTS (SELECT 1 FROM wh_ep)
    RETURNING id, ordering_key
  ), wh_del AS (
    INSERT INTO webhook_deliveries (endpoint_id, message_id, ordering_key)
    SELECT wh_ep.id, wh_msg.id, wh_msg.ordering_key FROM wh_msg CROSS JOIN wh_ep
    RETURNING id
  )
  SELECT row_to_json(f) INTO v_result FROM (SELECT hit.session_id, hit.course_id, hit.course_code, hit.course_name, hit.title, hit.starts_at, hit.ends_at, hit.opens_at,
         hit.code_live, hit.window_open, lock.state AS locked_state, u.full_name, hit.location_mode, hit.location_verdict,
         ins.status AS new_status, ins.source AS new_source, ins.checked_in_at AS new_checked_in_at, ins.flags AS new_flags,
         r.status AS old_status, r.source AS old_source, r.checked_in_at AS old_checked_in_at, r.validated_at AS old_validated_at, r.note AS old_note,
         (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM wh_del) AS webhooks
    FROM hit
    JOIN users u ON u.id = p_student
    LEFT JOIN lock ON true
    LEFT JOIN ins ON true
    LEFT JOIN attendance_records r ON r.session_id = hit.session_id AND r.student_id = p_student) f;

  IF v_result IS NULL THEN
    RETURN;
  END IF;
  IF p_device_inner IS NOT NULL AND p_device_outer IS NOT NULL AND (v_result->>'new_status') IS NOT NULL THEN
    v_session := (v_result->>'session_id')::uuid;
    v_hash := sha256(p_device_outer || sha256(p_device_inner || uuid_send(v_session)));
    PERFORM pg_advisory_xact_lock(hashtextextended('attendance-device:' || v_session::text || encode(v_hash, 'hex'), 0));
    INSERT INTO attendance_device_hashes (session_id, student_id, device_hash) VALUES (v_session, p_student, v_hash)
      ON CONFLICT (session_id, student_id) DO NOTHING;
    -- A new statement: it sees what a concurrent check-in from this device committed before we got the lock.
    WITH sharing AS (
      SELECT d.student_id FROM attendance_device_hashes d WHERE d.session_id = v_session AND d.device_hash = v_hash
    ), upd AS (
      UPDATE attendance_records ar SET flags = array_append(ar.flags, 'shared-device')
        FROM sharing
       WHERE (SELECT count(*) FROM sharing) >= 2
         AND ar.session_id = v_session AND ar.student_id = sharing.student_id
         AND NOT ('shared-device' = ANY(ar.flags)) AND NOT ('shared-device' = ANY(ar.cleared_flags))
      RETURNING ar.student_id, ar.flags
    )
    SELECT COALESCE(json_agg(json_build_object('student_id', upd.student_id, 'flags', upd.flags)), '[]'::json) INTO v_flagged FROM upd;
    v_result := (v_result::jsonb || jsonb_build_object('flagged', v_flagged))::json;
  END IF;
  RETURN NEXT v_result;
END
$fn$;
