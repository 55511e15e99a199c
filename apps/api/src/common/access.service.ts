import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SessionState, UserRole } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CommonErrors, defineErrors } from './app-error.js';
import type { AuthUser } from './auth-user.js';

export const AccessErrors = defineErrors({
  courseNotFound: { code: 'courses/not-found', status: 404, message: 'Course not found.' },
  sessionNotFound: { code: 'sessions/not-found', status: 404, message: 'Session not found.' },
});

/** How the caller relates to a course: admin, one of its teachers, an enrolled student, or nothing (→ 404). */
export type CourseRelation = 'admin' | 'teacher' | 'student';

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
    const rows: { exists: boolean; teacher: boolean; student: boolean }[] = await m.query(
      `SELECT true AS exists,
              EXISTS (SELECT 1 FROM course_teachers WHERE course_id = c.id AND teacher_id = $2) AS teacher,
              EXISTS (SELECT 1 FROM enrollments WHERE course_id = c.id AND student_id = $2 AND ended_at IS NULL) AS student
         FROM courses c WHERE c.id = $1`,
      [courseId, user.id],
    );
    const r = rows[0];
    if (!r) return null;
    if (user.role === UserRole.Admin) return 'admin';
    if (user.role === UserRole.Teacher && r.teacher) return 'teacher';
    if (user.role === UserRole.Student && r.student) return 'student';
    return null;
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
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT s.id, s.course_id, s.starts_at, s.ends_at, s.state, c.timezone, c.code_validity_minutes, c.late_after_minutes,
              c.checkin_opens_minutes, c.requires_validation,
              EXISTS (SELECT 1 FROM course_teachers WHERE course_id = c.id AND teacher_id = $2) AS teacher,
              EXISTS (SELECT 1 FROM enrollments WHERE course_id = c.id AND student_id = $2 AND ended_at IS NULL) AS student
         FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
      [sessionId, user.id],
    );
    const r = rows[0];
    if (!r) throw AccessErrors.sessionNotFound();
    const relation: CourseRelation | null =
      user.role === UserRole.Admin
        ? 'admin'
        : user.role === UserRole.Teacher && r.teacher
          ? 'teacher'
          : user.role === UserRole.Student && r.student
            ? 'student'
            : null;
    if (!relation) throw AccessErrors.sessionNotFound();
    return {
      id: r.id as string,
      courseId: r.course_id as string,
      startsAt: new Date(r.starts_at as string),
      endsAt: new Date(r.ends_at as string),
      state: r.state as SessionContext['state'],
      timezone: r.timezone as string,
      codeValidityMinutes: r.code_validity_minutes as number,
      lateAfterMinutes: r.late_after_minutes as number,
      checkinOpensMinutes: r.checkin_opens_minutes as number,
      requiresValidation: r.requires_validation as boolean,
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
