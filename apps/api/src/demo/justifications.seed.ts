import type { SeedContext } from './demo-school.js';
import { applyStatusChange } from '../modules/attendance/status-change.js';

interface Candidate {
  id: string;
  course_id: string;
  teacher_id: string | null;
  status: string | null;
}

/**
 * Demo justifications for student@example.com (SPEC §6): one pending absence, one approved absence (the record
 * becomes excused through the attendance event log) and one rejected late arrival. Runs after the sessions and
 * attendance steps and reads what they wrote; with no past sessions it does nothing. No documents: uploads live
 * outside the database and the seed runs inside one transaction.
 */
export async function seedJustifications({ m, now, userIds }: SeedContext): Promise<void> {
  const studentId = userIds.get('student@example.com');
  if (!studentId) return;
  const candidates: Candidate[] = await m.query(
    `SELECT s.id, s.course_id, r.status,
            (SELECT ct.teacher_id FROM course_teachers ct JOIN users u ON u.id = ct.teacher_id
              WHERE ct.course_id = s.course_id ORDER BY u.email LIMIT 1) AS teacher_id
       FROM class_sessions s
       JOIN enrollments e ON e.course_id = s.course_id AND e.student_id = $1
       LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = $1
      WHERE s.ends_at < $2 AND s.ends_at > $2::timestamptz - interval '25 days'
        AND (r.status IS NULL OR r.status IN ('absent', 'late', 'pending'))
        AND NOT EXISTS (SELECT 1 FROM justifications j WHERE j.session_id = s.id AND j.student_id = $1)
      ORDER BY s.starts_at DESC
      LIMIT 20`,
    [studentId, now],
  );
  const reviewer = (c: Candidate) => c.teacher_id ?? userIds.get('admin@example.com') ?? null;
  const take = (pred: (c: Candidate) => boolean): Candidate | undefined => {
    const i = candidates.findIndex(pred);
    return i >= 0 ? candidates.splice(i, 1)[0] : undefined;
  };
  const insert = async (
    c: Candidate,
    type: 'absence' | 'late',
    reason: string,
    review?: { status: 'approved' | 'rejected'; comment: string },
  ) => {
    const [row] = (await m.query(
      `INSERT INTO justifications (session_id, student_id, type, reason, status, reviewer_id, review_comment, reviewed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        c.id,
        studentId,
        type,
        reason,
        review?.status ?? 'pending',
        review ? reviewer(c) : null,
        review?.comment ?? null,
        review ? now : null,
      ],
    )) as { id: string }[];
    return row.id;
  };

  const late = take((c) => c.status === 'late');
  const absentA = take((c) => c.status !== 'late');
  const absentB = take((c) => c.status !== 'late');

  if (absentA) await insert(absentA, 'absence', 'I had a fever and stayed home; my doctor’s note is on its way.');
  if (absentB) {
    const id = await insert(absentB, 'absence', 'Hospital appointment that could not be moved.', {
      status: 'approved',
      comment: 'Thanks for letting us know. Get well soon.',
    });
    await applyStatusChange(m, {
      sessionId: absentB.id,
      studentId,
      to: 'excused',
      source: 'justification',
      actorId: reviewer(absentB),
      reason: `Justification ${id} (absence) approved`,
      validate: true,
    });
  }
  const rejected = late ?? take(() => true);
  if (rejected) {
    await insert(rejected, rejected.status === 'late' ? 'late' : 'absence', 'The bus was late.', {
      status: 'rejected',
      comment: 'Please leave earlier: this is the third time this month.',
    });
  }
}
