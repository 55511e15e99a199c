import type { AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import type { FeedPosition } from './attendance-records.cursor.js';

export interface FeedRow {
  id: string;
  sessionId: string;
  courseId: string;
  studentId: string;
  status: AttendanceStatus;
  source: AttendanceSource;
  checkedInAt: Date | null;
  validatedAt: Date | null;
  validatedBy: string | null;
  note: string | null;
  updatedAt: Date;
  changeSeq: string;
}

export interface FeedFilter {
  /** Scope: a teacher sees their courses' records, a student their own; null for admins. */
  teacherId: string | null;
  studentScopeId: string | null;
  courseId?: string;
  sessionId?: string;
  studentId?: string;
  updatedSince?: Date;
  after: FeedPosition | null;
  limit: number;
}

/**
 * One page of the changes feed, in (change_seq, id) order from the index attendance_records_change_seq_idx, and
 * the horizon: the oldest transaction id still running. Only rows written by transactions below the horizon are
 * served (they have all committed or rolled back), so a later page can never gain a row before this page's end.
 */
export async function findRecordChanges(
  m: EntityManager,
  f: FeedFilter,
): Promise<{ rows: FeedRow[]; horizon: string }> {
  const rows: (FeedRow & { horizon: string })[] = await m.query(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon)
     SELECT r.id, r.session_id AS "sessionId", s.course_id AS "courseId", r.student_id AS "studentId", r.status, r.source,
            r.checked_in_at AS "checkedInAt", r.validated_at AS "validatedAt", r.validated_by AS "validatedBy", r.note,
            r.updated_at AS "updatedAt", r.change_seq::text AS "changeSeq", h.horizon::text AS horizon
       FROM h
       LEFT JOIN LATERAL (
         SELECT r.* FROM attendance_records r
          WHERE r.change_seq < h.horizon
            AND ($1::bigint IS NULL OR (r.change_seq, r.id) > ($1::bigint, $2::uuid))
            AND ($3::uuid IS NULL OR r.session_id = $3)
            AND ($4::uuid IS NULL OR r.student_id = $4)
            AND ($5::timestamptz IS NULL OR r.updated_at >= $5)
            AND ($6::uuid IS NULL OR r.student_id = $6)
            AND ($7::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM class_sessions cs JOIN course_teachers ct ON ct.course_id = cs.course_id
                   WHERE cs.id = r.session_id AND ct.teacher_id = $7))
            AND ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM class_sessions cs WHERE cs.id = r.session_id AND cs.course_id = $8))
          ORDER BY r.change_seq, r.id
          LIMIT $9
       ) r ON true
       LEFT JOIN class_sessions s ON s.id = r.session_id
      ORDER BY r.change_seq, r.id`,
    [
      f.after?.seq ?? null,
      f.after?.id ?? null,
      f.sessionId ?? null,
      f.studentId ?? null,
      f.updatedSince ?? null,
      f.studentScopeId,
      f.teacherId,
      f.courseId ?? null,
      f.limit,
    ],
  );
  const horizon = rows[0]?.horizon ?? '0';
  return { rows: rows.filter((r) => r.id !== null).map(({ horizon: _h, ...r }) => r), horizon };
}
