import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessErrors, AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { EnrollmentEntity } from './course.entity.js';
import { CourseErrors } from './courses.errors.js';
import type { JoinResultDto } from './courses.dto.js';
import { CoursesService } from './courses.service.js';
import type { EnrollmentDto, EnrollmentPageDto, EnrollResultDto, ListEnrollmentsQueryDto } from './enrollments.dto.js';
import { normalizeJoinCode } from './join-code.js';
import { enqueueWebhookEvent, enqueueWebhookEvents } from '../webhooks/webhooks.queries.js';
import { AuditService } from '../audit/audit.service.js';

/** Wrong join codes allowed per student per window before 429 (valid codes are never limited). */
export const JOIN_MAX_FAILURES = 10;
export const JOIN_WINDOW_SECONDS = 15 * 60;

interface EnrollmentRow {
  course_id: string;
  student_id: string;
  full_name: string;
  email: string;
  student_number: string | null;
  source: string;
  enrolled_at: Date;
  ended_at: Date | null;
}

const ENROLLMENT_SELECT = `
  SELECT e.course_id, e.student_id, u.full_name, u.email, u.student_number, e.source, e.enrolled_at, e.ended_at
    FROM enrollments e JOIN users u ON u.id = e.student_id`;

function toEnrollmentDto(r: EnrollmentRow): EnrollmentDto {
  return {
    courseId: r.course_id,
    studentId: r.student_id,
    fullName: r.full_name,
    email: r.email,
    studentNumber: r.student_number,
    source: r.source,
    enrolledAt: new Date(r.enrolled_at).toISOString(),
    endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
  };
}

@Injectable()
export class EnrollmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly courses: CoursesService,
    private readonly limiter: RateLimiter,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser, courseId: string, q: ListEnrollmentsQueryDto): Promise<EnrollmentPageDto> {
    await this.access.assertCourseStaff(user, courseId);
    const { page, pageSize, offset } = pageOf(q);
    const params: unknown[] = [courseId];
    let filter = q.includeEnded ? 'WHERE e.course_id = $1' : 'WHERE e.course_id = $1 AND e.ended_at IS NULL';
    if (q.search) {
      params.push(likePattern(q.search));
      filter += ` AND (u.full_name ILIKE $2 OR u.email ILIKE $2 OR u.student_number ILIKE $2)`;
    }
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM enrollments e JOIN users u ON u.id = e.student_id ${filter}`,
      params,
    );
    const rows: EnrollmentRow[] = await this.dataSource.query(
      `${ENROLLMENT_SELECT} ${filter} ORDER BY u.full_name, u.id, e.enrolled_at DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    return { items: rows.map(toEnrollmentDto), total, page, pageSize };
  }

  /** Enrolls students in one statement; ids already enrolled are kept as they are. Newly enrolled students are notified. */
  async enroll(user: AuthUser, courseId: string, studentIds: string[], enrolledAt?: string): Promise<EnrollResultDto> {
    const since = enrolledAt ? new Date(enrolledAt) : null;
    if (since && since.getTime() > Date.now()) throw CourseErrors.enrolledAtInFuture();
    const { result, notices } = await this.dataSource.transaction(async (m) => {
      const relation = await this.access.assertCourseStaff(user, courseId, m);
      const found: { id: string }[] = await m.query(
        `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND role = 'student'`,
        [studentIds],
      );
      const ok = new Set(found.map((r) => r.id));
      const bad = studentIds.filter((id) => !ok.has(id));
      if (bad.length) throw CourseErrors.notStudents({ details: { ids: bad } });
      const added: { id: string; student_id: string }[] = await m.query(
        `INSERT INTO enrollments (course_id, student_id, source, enrolled_at)
         SELECT $1, id, $3, greatest(coalesce($4::timestamptz, now()),
                                     -- a new enrollment starts after the last one of the same student ended
                                     coalesce((SELECT max(p.ended_at) FROM enrollments p WHERE p.course_id = $1 AND p.student_id = id), '-infinity'))
           FROM unnest($2::uuid[]) AS id
           ON CONFLICT DO NOTHING RETURNING id, student_id`,
        [courseId, studentIds, relation === 'admin' ? 'admin' : 'teacher', since],
      );
      const addedIds = new Set(added.map((r) => r.student_id));
      await this.audit.record(
        m,
        added.map((r) => ({
          action: 'enrollment.created' as const,
          targetType: 'enrollment',
          targetId: r.id,
          summary: { courseId, studentId: r.student_id, source: relation === 'admin' ? 'admin' : 'teacher' },
        })),
      );
      await enqueueWebhookEvents(
        m,
        'enrollment.created',
        [...addedIds].map((studentId) => ({ data: { courseId, studentId } })),
      );
      const rows: EnrollmentRow[] = await m.query(
        `${ENROLLMENT_SELECT} WHERE e.course_id = $1 AND e.student_id = ANY($2::uuid[]) AND e.ended_at IS NULL ORDER BY u.full_name, u.id`,
        [courseId, studentIds],
      );
      const [course]: { code: string; name: string }[] = await m.query(`SELECT code, name FROM courses WHERE id = $1`, [
        courseId,
      ]);
      if (!course) throw AccessErrors.courseNotFound();
      const notices = await this.notifications.create(
        [...addedIds].map((userId) => ({
          userId,
          type: 'course.enrolled' as const,
          params: { courseCode: course.code, courseName: course.name },
          link: '/student',
        })),
        m,
      );
      const result: EnrollResultDto = {
        items: rows.map(toEnrollmentDto),
        added: addedIds.size,
        alreadyEnrolled: studentIds.filter((id) => !addedIds.has(id)),
      };
      return { result, notices };
    });
    // Pushed only after the commit.
    this.notifications.publish(notices);
    return result;
  }

  /**
   * Unenrolls: ends the student's current enrollment (the row stays, so their records and their figures from while
   * they were enrolled stay; sessions starting from now on no longer expect them). Re-enrolling starts a new one.
   */
  async remove(user: AuthUser, courseId: string, studentId: string): Promise<void> {
    await this.access.assertCourseStaff(user, courseId);
    await this.dataSource.transaction(async (m) => {
      const ended = await m
        .getRepository(EnrollmentEntity)
        .createQueryBuilder()
        .update()
        .set({ endedAt: () => 'greatest(now(), enrolled_at)' })
        .where('course_id = :courseId AND student_id = :studentId AND ended_at IS NULL', { courseId, studentId })
        .returning(['id'])
        .execute();
      if (!ended.affected) throw CourseErrors.notEnrolled();
      const [row] = ended.raw as { id: string }[];
      await this.audit.record(m, {
        action: 'enrollment.deleted',
        targetType: 'enrollment',
        targetId: row?.id ?? null,
        summary: { courseId, studentId },
      });
      await enqueueWebhookEvent(m, 'enrollment.deleted', { courseId, studentId });
    });
  }

  /**
   * Self-enrollment with a join code (students). A wrong or disabled code gets one generic 404, whatever the reason;
   * wrong codes are counted per student and answered 429 (with Retry-After) past the limit. Idempotent.
   */
  async join(user: AuthUser, rawCode: string): Promise<JoinResultDto> {
    const key = `join-fail:${user.id}`;
    const state = await this.limiter.peek(key);
    if (state.count >= JOIN_MAX_FAILURES) {
      throw CourseErrors.joinTooManyAttempts({ headers: { 'Retry-After': String(state.retryAfterSeconds) } });
    }
    const code = normalizeJoinCode(rawCode);
    const courses: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM courses WHERE join_code = $1 AND join_code_enabled`,
      [code],
    );
    if (!courses[0]) {
      const hit = await this.limiter.hit(key, JOIN_WINDOW_SECONDS);
      if (hit.count > JOIN_MAX_FAILURES)
        throw CourseErrors.joinTooManyAttempts({ headers: { 'Retry-After': String(hit.retryAfterSeconds) } });
      throw CourseErrors.joinCodeInvalid();
    }
    const courseId = courses[0].id;
    const inserted: unknown[] = await this.dataSource.transaction(async (m) => {
      const rows: unknown[] = await m.query(
        `INSERT INTO enrollments (course_id, student_id, source) VALUES ($1, $2, 'join-code') ON CONFLICT DO NOTHING RETURNING id, student_id`,
        [courseId, user.id],
      );
      if (rows.length) {
        await enqueueWebhookEvent(m, 'enrollment.created', { courseId, studentId: user.id });
        await this.audit.record(m, {
          action: 'enrollment.created',
          targetType: 'enrollment',
          targetId: (rows[0] as { id: string }).id,
          summary: { courseId, studentId: user.id, source: 'join-code' },
        });
      }
      return rows;
    });
    return { course: await this.courses.load(courseId, 'student'), alreadyEnrolled: inserted.length === 0 };
  }
}
