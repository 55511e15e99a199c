import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { EnrollmentEntity } from './course.entity.js';

/** Enrollments (alias `e`) with the student's name, email and number (alias `u`), for the caller to filter. */
export function enrollmentsQuery(m: EntityManager): SelectQueryBuilder<EnrollmentEntity> {
  return m
    .getRepository(EnrollmentEntity)
    .createQueryBuilder('e')
    .innerJoin('e.student', 'u')
    .addSelect(['u.id', 'u.fullName', 'u.email', 'u.studentNumber']);
}

/**
 * Enrolls the students in one statement; those enrolled now are left as they are. A new period starts at `since`
 * (default now), but never before the student's previous period of the course ended. Returns the new enrollments.
 */
export async function insertEnrollments(
  m: EntityManager,
  courseId: string,
  studentIds: string[],
  source: 'admin' | 'teacher',
  since: Date | null,
): Promise<{ id: string; studentId: string }[]> {
  const rows: { id: string; student_id: string }[] = await m.query(
    `INSERT INTO enrollments (course_id, student_id, source, enrolled_at)
     SELECT $1, id, $3, greatest(coalesce($4::timestamptz, now()),
                                 coalesce((SELECT max(p.ended_at) FROM enrollments p WHERE p.course_id = $1 AND p.student_id = id), '-infinity'))
       FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING id, student_id`,
    [courseId, studentIds, source, since],
  );
  return rows.map((r) => ({ id: r.id, studentId: r.student_id }));
}
