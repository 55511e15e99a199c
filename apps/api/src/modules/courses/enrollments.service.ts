import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource, In } from 'typeorm';
import { AccessErrors, AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { CourseEntity, EnrollmentEntity } from './course.entity.js';
import { enrollmentsQuery, insertEnrollments } from './enrollments.queries.js';
import { UserEntity } from '../users/user.entity.js';
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

function toEnrollmentDto(e: EnrollmentEntity): EnrollmentDto {
  const u = e.student!;
  return {
    courseId: e.courseId,
    studentId: e.studentId,
    fullName: u.fullName,
    email: u.email,
    studentNumber: u.studentNumber,
    source: e.source,
    enrolledAt: e.enrolledAt.toISOString(),
    endedAt: e.endedAt?.toISOString() ?? null,
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
    const qb = enrollmentsQuery(this.dataSource.manager).where('e.courseId = :courseId', { courseId });
    if (!q.includeEnded) qb.andWhere('e.endedAt IS NULL');
    if (q.search)
      qb.andWhere('(u.fullName ILIKE :search OR u.email ILIKE :search OR u.studentNumber ILIKE :search)', {
        search: likePattern(q.search),
      });
    const [rows, total] = await qb
      .orderBy('u.fullName')
      .addOrderBy('u.id')
      .addOrderBy('e.enrolledAt', 'DESC')
      .limit(pageSize)
      .offset(offset)
      .getManyAndCount();
    return { items: rows.map(toEnrollmentDto), total, page, pageSize };
  }

  /** Enrolls students in one statement; ids already enrolled are kept as they are. Newly enrolled students are notified. */
  async enroll(user: AuthUser, courseId: string, studentIds: string[], enrolledAt?: string): Promise<EnrollResultDto> {
    const since = enrolledAt ? new Date(enrolledAt) : null;
    if (since && since.getTime() > Date.now()) throw CourseErrors.enrolledAtInFuture();
    const { result, notices } = await this.dataSource.transaction(async (m) => {
      const relation = await this.access.assertCourseStaff(user, courseId, m);
      const found = await m.find(UserEntity, {
        select: { id: true },
        where: { id: In(studentIds), role: UserRole.Student },
      });
      const ok = new Set(found.map((r) => r.id));
      const bad = studentIds.filter((id) => !ok.has(id));
      if (bad.length) throw CourseErrors.notStudents({ details: { ids: bad } });
      const source = relation === 'admin' ? 'admin' : 'teacher';
      const added = await insertEnrollments(m, courseId, studentIds, source, since);
      const addedIds = new Set(added.map((r) => r.studentId));
      await this.audit.record(
        m,
        added.map((r) => ({
          action: 'enrollment.created' as const,
          targetType: 'enrollment',
          targetId: r.id,
          summary: { courseId, studentId: r.studentId, source },
        })),
      );
      await enqueueWebhookEvents(
        m,
        'enrollment.created',
        [...addedIds].map((studentId) => ({ data: { courseId, studentId } })),
      );
      const rows = await enrollmentsQuery(m)
        .where('e.courseId = :courseId AND e.studentId IN (:...studentIds) AND e.endedAt IS NULL', {
          courseId,
          studentIds,
        })
        .orderBy('u.fullName')
        .addOrderBy('u.id')
        .getMany();
      const course = await m.findOne(CourseEntity, { select: { code: true, name: true }, where: { id: courseId } });
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
    const course = await this.dataSource.manager.findOne(CourseEntity, {
      select: { id: true },
      where: { joinCode: code, joinCodeEnabled: true },
    });
    if (!course) {
      const hit = await this.limiter.hit(key, JOIN_WINDOW_SECONDS);
      if (hit.count > JOIN_MAX_FAILURES)
        throw CourseErrors.joinTooManyAttempts({ headers: { 'Retry-After': String(hit.retryAfterSeconds) } });
      throw CourseErrors.joinCodeInvalid();
    }
    const courseId = course.id;
    const inserted = await this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(EnrollmentEntity)
        .values({ courseId, studentId: user.id, source: 'join-code' })
        .orIgnore()
        .returning(['id'])
        .updateEntity(false)
        .execute();
      const [row] = result.raw as { id: string }[];
      if (row) {
        await enqueueWebhookEvent(m, 'enrollment.created', { courseId, studentId: user.id });
        await this.audit.record(m, {
          action: 'enrollment.created',
          targetType: 'enrollment',
          targetId: row.id,
          summary: { courseId, studentId: user.id, source: 'join-code' },
        });
      }
      return row !== undefined;
    });
    return { course: await this.courses.load(courseId, 'student'), alreadyEnrolled: !inserted };
  }
}
