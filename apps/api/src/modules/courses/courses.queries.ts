import { type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { CourseEntity } from './course.entity.js';

/** A course as the API shows it: its columns, its teachers and how many students are enrolled now. */
export type CourseView = CourseEntity & { enrolledCount: number; teachers: { id: string; fullName: string }[] };

/** The courses query (alias `c`) for the caller to filter; read it with {@link readCourseViews}. */
export function coursesQuery(m: EntityManager): SelectQueryBuilder<CourseEntity> {
  return m.getRepository(CourseEntity).createQueryBuilder('c');
}

/** Reads the courses of `qb` (alias `c`) with their teachers and enrolled counts, in the same statement. */
export async function readCourseViews(qb: SelectQueryBuilder<CourseEntity>): Promise<CourseView[]> {
  const { entities, raw } = await qb
    .addSelect(
      '(SELECT count(*)::int FROM enrollments e WHERE e.course_id = c.id AND e.ended_at IS NULL)',
      'enrolled_count',
    )
    .addSelect(
      `COALESCE((SELECT json_agg(json_build_object('id', u.id, 'fullName', u.full_name) ORDER BY u.full_name, u.id)
                   FROM course_teachers ct JOIN users u ON u.id = ct.teacher_id WHERE ct.course_id = c.id), '[]'::json)`,
      'teachers',
    )
    .getRawAndEntities<{ c_id: string; enrolled_count: number; teachers: CourseView['teachers'] }>();
  const extra = new Map(raw.map((r) => [r.c_id, r]));
  return entities.map((c) => {
    const r = extra.get(c.id)!;
    return Object.assign(c, { enrolledCount: r.enrolled_count, teachers: r.teachers });
  });
}

/** True once the course has attendance records or justifications (deleting it would lose them). */
export async function courseHasAttendance(m: EntityManager, courseId: string): Promise<boolean> {
  const [{ used }]: { used: boolean }[] = await m.query(
    `SELECT EXISTS (SELECT 1 FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id WHERE s.course_id = $1)
         OR EXISTS (SELECT 1 FROM justifications j JOIN class_sessions s ON s.id = j.session_id WHERE s.course_id = $1) AS used`,
    [courseId],
  );
  return used;
}
