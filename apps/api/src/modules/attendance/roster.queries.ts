import type { AttendanceFlag, AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import { iso } from '../../common/time.js';
import type { RosterEntryDto } from './attendance.dto.js';

interface RosterRow {
  student_id: string;
  full_name: string;
  email: string;
  student_number: string | null;
  status: AttendanceStatus | null;
  checked_in_at: Date | null;
  validated_at: Date | null;
  source: AttendanceSource | null;
  note: string | null;
  flags: AttendanceFlag[] | null;
}

const ENTRY_COLUMNS = `u.id AS student_id, u.full_name, u.email, u.student_number, r.status, r.checked_in_at, r.validated_at,
       r.source, r.note, r.flags`;

/**
 * The students of a session: those expected at it (attendance_expected: enrolled when it started, or attended),
 * plus, until it is held, whoever is enrolled now (a student who joins during the class may still check in) and
 * anyone with a record (a correction for a student who left). Students without a record first, then by name.
 */
export async function readRoster(m: EntityManager, sessionId: string, courseId: string): Promise<RosterEntryDto[]> {
  const rows: RosterRow[] = await m.query(
    `WITH who AS (
       SELECT x.student_id FROM attendance_expected x WHERE x.session_id = $1
       UNION
       SELECT e.student_id FROM enrollments e JOIN class_sessions s ON s.id = $1
        WHERE e.course_id = $2 AND e.ended_at IS NULL AND NOT attendance_session_held(s.state, s.ends_at)
       UNION
       SELECT r.student_id FROM attendance_records r WHERE r.session_id = $1
     )
     SELECT ${ENTRY_COLUMNS}
       FROM who
       JOIN users u ON u.id = who.student_id
       LEFT JOIN attendance_records r ON r.session_id = $1 AND r.student_id = who.student_id
      ORDER BY (r.status IS NULL) DESC, u.full_name, u.id`,
    [sessionId, courseId],
  );
  return rows.map(toEntry);
}

/** One roster entry (also for students who left the course but keep a record). */
export async function readRosterEntry(m: EntityManager, sessionId: string, studentId: string): Promise<RosterEntryDto> {
  const [row]: RosterRow[] = await m.query(
    `SELECT ${ENTRY_COLUMNS}
       FROM users u LEFT JOIN attendance_records r ON r.session_id = $1 AND r.student_id = u.id
      WHERE u.id = $2`,
    [sessionId, studentId],
  );
  return toEntry(row);
}

function toEntry(r: RosterRow): RosterEntryDto {
  return {
    studentId: r.student_id,
    fullName: r.full_name,
    email: r.email,
    studentNumber: r.student_number,
    status: r.status,
    checkedInAt: iso(r.checked_in_at),
    validatedAt: iso(r.validated_at),
    source: r.source,
    note: r.note,
    flags: r.flags ?? [],
  };
}
