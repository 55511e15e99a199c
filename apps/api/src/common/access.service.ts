import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SessionState, UserRole } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CourseEntity } from '../modules/courses/course.entity.js';
import { ClassSessionEntity } from '../modules/sessions/class-session.entity.js';
import { CommonErrors, defineErrors } from './app-error.js';
import type { AuthUser } from './auth-user.js';

export const AccessErrors = defineErrors({
  courseNotFound: { code: 'courses/not-found', status: 404, message: 'Course not found.' },
  sessionNotFound: { code: 'sessions/not-found', status: 404, message: 'Session not found.' },
});

/** How the caller relates to a course: admin, one of its teachers, an enrolled student, or nothing (→ 404). */
export type CourseRelation = 'admin' | 'teacher' | 'student';

/** The caller's memberships in course `c`, as two boolean columns `teacher` and `student` (parameter `:userId`). */
const TEACHER_OF_C = 'EXISTS (SELECT 1 FROM course_teachers WHERE course_id = c.id AND teacher_id = :userId)';
const STUDENT_OF_C =
  'EXISTS (SELECT 1 FROM enrollments WHERE course_id = c.id AND student_id = :userId AND ended_at IS NULL)';

function relationOf(user: AuthUser, r: { teacher: boolean; student: boolean }): CourseRelation | null {
  if (user.role === UserRole.Admin) return 'admin';
  if (user.role === UserRole.Teacher && r.teacher) return 'teacher';
  if (user.role === UserRole.Student && r.student) return 'student';
  return null;
}

export interface SessionContext {
  id: string;
  courseId: string;
  startsAt: Date;
  endsAt: Date;
  state: SessionState;
  timezone: string;
  codeValidityMinutes: number;
  lateAfterMinutes: number;
  checkinOpensMinutes: number;
  requiresValidation: boolean;
  relation: CourseRelation;
}

/**
 * Object-level authorization in one query per check. Objects the caller may not see answer 404 (no oracle);
 * objects they can see but not change answer 403.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async courseRelation(
    user: AuthUser,
    courseId: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<CourseRelation | null> {
    const r = await m
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .select(TEACHER_OF_C, 'teacher')
      .addSelect(STUDENT_OF_C, 'student')
      .where('c.id = :courseId', { courseId, userId: user.id })
      .getRawOne<{ teacher: boolean; student: boolean }>();
    if (!r) return null;
    return relationOf(user, r);
  }

  /** Any member may view; others get 404. */
  async assertCourseVisible(user: AuthUser, courseId: string, m?: EntityManager): Promise<CourseRelation> {
    const rel = await this.courseRelation(user, courseId, m);
    if (!rel) throw AccessErrors.courseNotFound();
    return rel;
  }

  /** Admins and the course's teachers; enrolled students get 403, others 404. */
  async assertCourseStaff(user: AuthUser, courseId: string, m?: EntityManager): Promise<CourseRelation> {
    const rel = await this.assertCourseVisible(user, courseId, m);
    if (rel === 'student') throw CommonErrors.forbidden();
    return rel;
  }

  /** The session with its course's policy and the caller's relation; 404 when not visible to the caller. */
  async sessionContext(
    user: AuthUser,
    sessionId: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<SessionContext> {
    const { entities, raw } = await m
      .getRepository(ClassSessionEntity)
      .createQueryBuilder('s')
      .select(['s.id', 's.courseId', 's.startsAt', 's.endsAt', 's.state'])
      .innerJoin('s.course', 'c')
      .addSelect([
        'c.id',
        'c.timezone',
        'c.codeValidityMinutes',
        'c.lateAfterMinutes',
        'c.checkinOpensMinutes',
        'c.requiresValidation',
      ])
      .addSelect(TEACHER_OF_C, 'teacher')
      .addSelect(STUDENT_OF_C, 'student')
      .where('s.id = :sessionId', { sessionId, userId: user.id })
      .getRawAndEntities<{ teacher: boolean; student: boolean }>();
    const s = entities[0];
    if (!s) throw AccessErrors.sessionNotFound();
    const relation = relationOf(user, raw[0]);
    if (!relation) throw AccessErrors.sessionNotFound();
    const c = s.course!;
    return {
      id: s.id,
      courseId: s.courseId,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      state: s.state,
      timezone: c.timezone,
      codeValidityMinutes: c.codeValidityMinutes,
      lateAfterMinutes: c.lateAfterMinutes,
      checkinOpensMinutes: c.checkinOpensMinutes,
      requiresValidation: c.requiresValidation,
      relation,
    };
  }

  /** Session staff only (admins, the course's teachers); enrolled students get 403. */
  async assertSessionStaff(user: AuthUser, sessionId: string, m?: EntityManager): Promise<SessionContext> {
    const ctx = await this.sessionContext(user, sessionId, m);
    if (ctx.relation === 'student') throw CommonErrors.forbidden();
    return ctx;
  }
}
