import type {
  AttendanceFlag,
  AttendanceSource,
  AttendanceStatus,
  LocationMode,
  LocationVerdict,
} from '@sysponto/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { AttendanceRecordEntity } from './attendance-record.entity.js';
import { preparedQuery } from '../../database/pg-pool.js';

/** One check-in's arguments to database/functions/attendance_check_in.sql (read its comment). */
export interface CheckInCall {
  studentId: string;
  code: string;
  source: AttendanceSource;
  /** The app clock in epoch seconds (rotating slots). */
  nowSeconds: number;
  /** The padded halves of the device key (device-hash.ts), or null. */
  deviceInner: Buffer | null;
  deviceOuter: Buffer | null;
  latitude: number | null;
  longitude: number | null;
  accuracy: number | null;
}

/** What the function returns for one check-in. */
export interface CheckInRow {
  session_id: string;
  course_id: string;
  course_code: string;
  course_name: string;
  title: string | null;
  starts_at: Date;
  ends_at: Date;
  opens_at: Date;
  code_live: boolean;
  window_open: boolean;
  locked_state: string | null;
  full_name: string;
  new_status: AttendanceStatus | null;
  new_source: AttendanceSource | null;
  new_checked_in_at: Date | null;
  old_status: AttendanceStatus | null;
  old_source: AttendanceSource | null;
  old_checked_in_at: Date | null;
  old_validated_at: Date | null;
  old_note: string | null;
  /** webhook deliveries the function queued */
  webhooks: number;
  location_mode: LocationMode;
  location_verdict: LocationVerdict | null;
  new_flags: AttendanceFlag[] | null;
  /** Records flagged `shared-device` by this check-in (the new one and earlier ones from the same device). */
  flagged?: { student_id: string; flags: AttendanceFlag[] }[];
}

const CHECK_IN_SQL = `SELECT attendance_check_in($1, $2, $3, $4, $5, $6, $7, $8, $9) AS r`;

/**
 * Several check-ins in one statement: the function once per call, in the order given (a nested loop over the
 * arrays, so each call sees the records of the calls before it), in one transaction. Row i answers call i; `r` is
 * null when the function found nothing.
 */
const CHECK_IN_BATCH_SQL = `SELECT f.r
  FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::float8[], $5::bytea[], $6::bytea[],
              $7::float8[], $8::float8[], $9::float8[])
       WITH ORDINALITY AS u(student, code, source, now_s, dev_inner, dev_outer, lat, lon, acc, i)
  LEFT JOIN LATERAL attendance_check_in(u.student, u.code, u.source, u.now_s, u.dev_inner, u.dev_outer,
                                        u.lat, u.lon, u.acc) AS f(r) ON true
 ORDER BY u.i`;

const args = (c: CheckInCall) => [
  c.studentId,
  c.code,
  c.source,
  c.nowSeconds,
  c.deviceInner,
  c.deviceOuter,
  c.latitude,
  c.longitude,
  c.accuracy,
];

/** One check-in: a named prepared statement (pgbench: 2× the rate of the unnamed extended protocol). */
export async function checkInOne(db: DataSource, call: CheckInCall): Promise<CheckInRow | undefined> {
  const { rows } = await preparedQuery<{ r: CheckInRow }>(db, 'attendance.check-in', CHECK_IN_SQL, args(call));
  return rows[0]?.r;
}

/** Check-ins of several students (or of one student several times) in one statement; row i answers calls[i]. */
export async function checkInBatch(db: DataSource, calls: CheckInCall[]): Promise<(CheckInRow | undefined)[]> {
  const columns = calls.map(args);
  const { rows } = await preparedQuery<{ r: CheckInRow | null }>(
    db,
    'attendance.check-in-batch',
    CHECK_IN_BATCH_SQL,
    columns[0].map((_, k) => columns.map((c) => c[k])),
  );
  if (rows.length !== calls.length) throw new Error(`check-in batch: ${rows.length} rows for ${calls.length} calls`);
  return rows.map((row) => row.r ?? undefined);
}

type Db = DataSource | EntityManager;

/**
 * The sessions a student could be checking in to right now: not closed or cancelled, not over, in a course they are
 * enrolled in, with a live code. Wrong codes spend these sessions' budgets; a lockout is announced to their rooms.
 */
export async function findCheckInSessionsOfStudent(db: Db, studentId: string): Promise<string[]> {
  const rows: { session_id: string }[] = await db.query(
    `SELECT DISTINCT ac.session_id
       FROM enrollments e
       JOIN class_sessions s ON s.course_id = e.course_id AND s.state NOT IN ('closed', 'cancelled') AND s.ends_at > now()
       JOIN attendance_codes ac ON ac.session_id = s.id AND ac.revoked_at IS NULL AND ac.expires_at > now()
      WHERE e.student_id = $1 AND e.ended_at IS NULL`,
    [studentId],
  );
  return rows.map((r) => r.session_id);
}

/** Whether the student is on the session's roster: enrolled in its course now, or with a record in it. */
export async function isOnSessionRoster(db: Db, sessionId: string, studentId: string): Promise<boolean> {
  const [row]: { ok: boolean }[] = await db.query(
    `SELECT EXISTS (
       SELECT 1 FROM class_sessions s JOIN enrollments e ON e.course_id = s.course_id AND e.ended_at IS NULL
        WHERE s.id = $1 AND e.student_id = $2
       UNION ALL
       SELECT 1 FROM attendance_records r WHERE r.session_id = $1 AND r.student_id = $2) AS ok`,
    [sessionId, studentId],
  );
  return row?.ok === true;
}

/** A student's record at a session as a check-in answers it (the winner of a race between two of their check-ins). */
export type CheckInRecord = Pick<AttendanceRecordEntity, 'status' | 'source' | 'checkedInAt' | 'validatedAt' | 'note'>;

/** The student's record at the session, if any. */
export async function findCheckInRecord(
  db: Db,
  sessionId: string,
  studentId: string,
): Promise<CheckInRecord | undefined> {
  const [row]: CheckInRecord[] = await db.query(
    `SELECT status, source, checked_in_at AS "checkedInAt", validated_at AS "validatedAt", note
       FROM attendance_records WHERE session_id = $1 AND student_id = $2`,
    [sessionId, studentId],
  );
  return row;
}
