import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type LocationMode, UserRole } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessErrors, AccessService, type CourseRelation } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { isValidTimeZone } from '../../common/time.js';
import { CourseErrors } from './courses.errors.js';
import type { CourseDto, CoursePageDto, CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './courses.dto.js';
import { generateJoinCode } from './join-code.js';
import { type AccessEvent, RevocationService } from '../auth/revocation.service.js';
import { AuditService, diffSnapshots } from '../audit/audit.service.js';

interface CourseRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  timezone: string;
  join_code: string | null;
  join_code_enabled: boolean;
  code_validity_minutes: number;
  late_after_minutes: number;
  checkin_opens_minutes: number;
  requires_validation: boolean;
  rotating_interval_seconds: number;
  rotating_grace_seconds: number;
  location_mode: LocationMode;
  location_radius_meters: number;
  created_at: Date;
  updated_at: Date;
  enrolled_count: number;
  teachers: { id: string; fullName: string }[];
}

/** The course columns plus teachers and the enrolled count, in one statement. */
const COURSE_SELECT = `
  SELECT c.*,
         (SELECT count(*)::int FROM enrollments e WHERE e.course_id = c.id AND e.ended_at IS NULL) AS enrolled_count,
         COALESCE((SELECT json_agg(json_build_object('id', u.id, 'fullName', u.full_name) ORDER BY u.full_name, u.id)
                     FROM course_teachers ct JOIN users u ON u.id = ct.teacher_id WHERE ct.course_id = c.id), '[]'::json) AS teachers
    FROM courses c`;

export function toCourseDto(r: CourseRow, relation: CourseRelation): CourseDto {
  const dto: CourseDto = {
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    timezone: r.timezone,
    teachers: r.teachers,
    enrolledCount: r.enrolled_count,
    policy: {
      codeValidityMinutes: r.code_validity_minutes,
      lateAfterMinutes: r.late_after_minutes,
      checkinOpensMinutes: r.checkin_opens_minutes,
      requiresValidation: r.requires_validation,
      rotatingIntervalSeconds: r.rotating_interval_seconds,
      rotatingGraceSeconds: r.rotating_grace_seconds,
      location: { mode: r.location_mode, radiusMeters: r.location_radius_meters },
    },
    relation,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
  if (relation !== 'student') {
    dto.joinCode = r.join_code;
    dto.joinCodeEnabled = r.join_code_enabled;
  }
  return dto;
}

@Injectable()
export class CoursesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly revocations: RevocationService,
    private readonly audit: AuditService,
  ) {}

  /** The audited view of a course: what an admin changes (never the join code itself). */
  private static snapshot(c: CourseDto) {
    return {
      code: c.code,
      name: c.name,
      description: c.description,
      timezone: c.timezone,
      policy: c.policy,
      teacherIds: c.teachers.map((t) => t.id).sort(),
      joinCodeEnabled: c.joinCodeEnabled,
    };
  }

  private async recordChange(m: EntityManager, id: string, before: CourseDto, after: CourseDto, extra = {}) {
    const a = CoursesService.snapshot(before);
    const changes = diffSnapshots(a, CoursesService.snapshot(after), Object.keys(a) as (keyof typeof a)[]);
    if (Object.keys(changes).length || Object.keys(extra).length)
      await this.audit.record(m, {
        action: 'course.updated',
        targetType: 'course',
        targetId: id,
        summary: { code: after.code, changes, ...extra },
      });
  }

  /** Admins: every course; teachers: the courses they teach; students: the courses they are enrolled in. */
  async list(user: AuthUser, q: ListCoursesQueryDto): Promise<CoursePageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const where: string[] = [];
    const params: unknown[] = [];
    if (user.role === UserRole.Teacher) {
      params.push(user.id);
      where.push(
        `EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = c.id AND ct.teacher_id = $${params.length})`,
      );
    } else if (user.role === UserRole.Student) {
      params.push(user.id);
      where.push(
        `EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c.id AND e.student_id = $${params.length} AND e.ended_at IS NULL)`,
      );
    }
    if (q.search) {
      params.push(likePattern(q.search));
      where.push(`(c.code ILIKE $${params.length} OR c.name ILIKE $${params.length})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM courses c ${filter}`,
      params,
    )) as { total: number }[];
    const rows: CourseRow[] = await this.dataSource.query(
      `${COURSE_SELECT} ${filter} ORDER BY c.code, c.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    const relation: CourseRelation =
      user.role === UserRole.Admin ? 'admin' : user.role === UserRole.Teacher ? 'teacher' : 'student';
    return { items: rows.map((r) => toCourseDto(r, relation)), total, page, pageSize };
  }

  async get(user: AuthUser, id: string): Promise<CourseDto> {
    const relation = await this.access.assertCourseVisible(user, id);
    return this.load(id, relation);
  }

  async load(id: string, relation: CourseRelation, m: EntityManager = this.dataSource.manager): Promise<CourseDto> {
    const rows: CourseRow[] = await m.query(`${COURSE_SELECT} WHERE c.id = $1`, [id]);
    if (!rows[0]) throw AccessErrors.courseNotFound();
    return toCourseDto(rows[0], relation);
  }

  async create(dto: CreateCourseDto): Promise<CourseDto> {
    if (!isValidTimeZone(dto.timezone))
      throw CourseErrors.invalidTimezone({ details: [{ field: 'timezone', messages: ['unknown IANA time zone'] }] });
    const teacherIds = dto.teacherIds ?? [];
    // A join code collision is astronomically rare; retry with a fresh code rather than fail.
    for (let attempt = 0; ; attempt++) {
      try {
        const id = await this.dataSource.transaction(async (m) => {
          await this.assertTeachers(m, teacherIds);
          const p = dto.policy ?? {};
          const [row]: { id: string }[] = await m.query(
            `INSERT INTO courses (code, name, description, timezone, join_code, code_validity_minutes, late_after_minutes, checkin_opens_minutes, requires_validation,
                                  rotating_interval_seconds, rotating_grace_seconds, location_mode, location_radius_meters)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
            [
              dto.code,
              dto.name,
              dto.description ?? null,
              dto.timezone,
              generateJoinCode(),
              p.codeValidityMinutes ?? 10,
              p.lateAfterMinutes ?? 10,
              p.checkinOpensMinutes ?? 15,
              p.requiresValidation ?? true,
              p.rotatingIntervalSeconds ?? 15,
              p.rotatingGraceSeconds ?? 3,
              p.location?.mode ?? 'off',
              p.location?.radiusMeters ?? 80,
            ],
          );
          if (teacherIds.length) {
            await m.query(`INSERT INTO course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[])`, [
              row.id,
              teacherIds,
            ]);
          }
          const created = CoursesService.snapshot(await this.load(row.id, 'admin', m));
          await this.audit.record(m, {
            action: 'course.created',
            targetType: 'course',
            targetId: row.id,
            summary: created,
          });
          return row.id;
        });
        return this.load(id, 'admin');
      } catch (err) {
        if (isUniqueViolation(err, 'courses_code_key')) throw CourseErrors.codeTaken();
        if (isUniqueViolation(err, 'courses_join_code_key') && attempt < 3) continue;
        throw err;
      }
    }
  }

  async update(user: AuthUser, id: string, dto: UpdateCourseDto): Promise<CourseDto> {
    if (dto.timezone !== undefined && !isValidTimeZone(dto.timezone)) {
      throw CourseErrors.invalidTimezone({ details: [{ field: 'timezone', messages: ['unknown IANA time zone'] }] });
    }
    let removedTeachers: AccessEvent | null = null;
    try {
      const course = await this.dataSource.transaction(async (m) => {
        const relation = await this.access.assertCourseStaff(user, id, m);
        if (relation !== 'admin' && (dto.code !== undefined || dto.teacherIds !== undefined))
          throw CourseErrors.adminOnlyFields();
        const before = await this.load(id, 'admin', m);
        const sets: string[] = [];
        const params: unknown[] = [id];
        const set = (column: string, value: unknown) => {
          params.push(value);
          sets.push(`${column} = $${params.length}`);
        };
        if (dto.code !== undefined) set('code', dto.code);
        if (dto.name !== undefined) set('name', dto.name);
        if (dto.description !== undefined) set('description', dto.description);
        if (dto.timezone !== undefined) set('timezone', dto.timezone);
        const p = dto.policy;
        if (p?.codeValidityMinutes !== undefined) set('code_validity_minutes', p.codeValidityMinutes);
        if (p?.lateAfterMinutes !== undefined) set('late_after_minutes', p.lateAfterMinutes);
        if (p?.checkinOpensMinutes !== undefined) set('checkin_opens_minutes', p.checkinOpensMinutes);
        if (p?.requiresValidation !== undefined) set('requires_validation', p.requiresValidation);
        if (p?.rotatingIntervalSeconds !== undefined) set('rotating_interval_seconds', p.rotatingIntervalSeconds);
        if (p?.rotatingGraceSeconds !== undefined) set('rotating_grace_seconds', p.rotatingGraceSeconds);
        if (p?.location?.mode !== undefined) set('location_mode', p.location.mode);
        if (p?.location?.radiusMeters !== undefined) set('location_radius_meters', p.location.radiusMeters);
        if (sets.length)
          await m.query(`UPDATE courses SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
        if (dto.teacherIds !== undefined) {
          await this.assertTeachers(m, dto.teacherIds);
          const deleted: unknown[] = await m.query(
            `DELETE FROM course_teachers WHERE course_id = $1 AND NOT (teacher_id = ANY($2::uuid[])) RETURNING teacher_id`,
            [id, dto.teacherIds],
          );
          // The driver answers a DELETE … RETURNING with [rows, count].
          const rows = (Array.isArray(deleted[0]) ? deleted[0] : deleted) as { teacher_id: string }[];
          if (rows.length)
            removedTeachers = this.revocations.courseAccessRemoved(
              id,
              rows.map((r) => r.teacher_id),
            );
          await m.query(
            `INSERT INTO course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
            [id, dto.teacherIds],
          );
        }
        await this.recordChange(m, id, before, await this.load(id, 'admin', m));
        return this.load(id, relation, m);
      });
      // After commit: their sockets leave this course's session rooms on every replica.
      this.revocations.announce(removedTeachers);
      return course;
    } catch (err) {
      if (isUniqueViolation(err, 'courses_code_key')) throw CourseErrors.codeTaken();
      throw err;
    }
  }

  /** Admin only. Refused while attendance or justifications exist, unless `force`. */
  async remove(user: AuthUser, id: string, force: boolean): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.access.assertCourseVisible(user, id, m);
      // Lock the course's sessions so no check-in lands between the check and the delete.
      await m.query(`SELECT id FROM class_sessions WHERE course_id = $1 FOR UPDATE`, [id]);
      if (!force) {
        const [{ used }]: { used: boolean }[] = await m.query(
          `SELECT EXISTS (SELECT 1 FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id WHERE s.course_id = $1)
               OR EXISTS (SELECT 1 FROM justifications j JOIN class_sessions s ON s.id = j.session_id WHERE s.course_id = $1) AS used`,
          [id],
        );
        if (used) throw CourseErrors.hasAttendance();
      }
      const before = await this.load(id, 'admin', m);
      await m.query(`DELETE FROM courses WHERE id = $1`, [id]);
      await this.audit.record(m, {
        action: 'course.deleted',
        targetType: 'course',
        targetId: id,
        summary: { code: before.code, name: before.name, force },
      });
    });
  }

  /** New random join code (enabled). Staff of the course only. */
  async regenerateJoinCode(user: AuthUser, id: string): Promise<CourseDto> {
    const relation = await this.access.assertCourseStaff(user, id);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.dataSource.transaction(async (m) => {
          const before = await this.load(id, 'admin', m);
          await m.query(
            `UPDATE courses SET join_code = $2, join_code_enabled = true, updated_at = now() WHERE id = $1`,
            [id, generateJoinCode()],
          );
          await this.recordChange(m, id, before, await this.load(id, 'admin', m), { joinCodeRegenerated: true });
        });
        return this.load(id, relation);
      } catch (err) {
        if (isUniqueViolation(err, 'courses_join_code_key') && attempt < 3) continue;
        throw err;
      }
    }
  }

  async setJoinCodeEnabled(user: AuthUser, id: string, enabled: boolean): Promise<CourseDto> {
    const relation = await this.access.assertCourseStaff(user, id);
    for (let attempt = 0; ; attempt++) {
      try {
        // Enabling a course that never had a code gives it one.
        await this.dataSource.transaction(async (m) => {
          const before = await this.load(id, 'admin', m);
          await m.query(
            `UPDATE courses SET join_code_enabled = $2, join_code = CASE WHEN $2 AND join_code IS NULL THEN $3 ELSE join_code END, updated_at = now() WHERE id = $1`,
            [id, enabled, generateJoinCode()],
          );
          await this.recordChange(m, id, before, await this.load(id, 'admin', m));
        });
        return this.load(id, relation);
      } catch (err) {
        if (isUniqueViolation(err, 'courses_join_code_key') && attempt < 3) continue;
        throw err;
      }
    }
  }

  private async assertTeachers(m: EntityManager, ids: string[]) {
    if (!ids.length) return;
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND role = 'teacher'`,
      [ids],
    );
    const ok = new Set(rows.map((r) => r.id));
    const bad = ids.filter((i) => !ok.has(i));
    if (bad.length) throw CourseErrors.notTeachers({ details: { ids: bad } });
  }
}
