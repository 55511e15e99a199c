import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource, type EntityManager, In, type QueryDeepPartialEntity } from 'typeorm';
import { AccessErrors, AccessService, type CourseRelation } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { isValidTimeZone } from '../../common/time.js';
import { CourseErrors } from './courses.errors.js';
import type { CourseDto, CoursePageDto, CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './courses.dto.js';
import { generateJoinCode } from './join-code.js';
import { CourseEntity, CourseTeacherEntity } from './course.entity.js';
import { courseHasAttendance, coursesQuery, type CourseView, readCourseViews } from './courses.queries.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { type AccessEvent, RevocationService } from '../auth/revocation.service.js';
import { AuditService, diffSnapshots } from '../audit/audit.service.js';

function toCourseDto(c: CourseView, relation: CourseRelation): CourseDto {
  const dto: CourseDto = {
    id: c.id,
    code: c.code,
    name: c.name,
    description: c.description,
    timezone: c.timezone,
    teachers: c.teachers,
    enrolledCount: c.enrolledCount,
    policy: {
      codeValidityMinutes: c.codeValidityMinutes,
      lateAfterMinutes: c.lateAfterMinutes,
      checkinOpensMinutes: c.checkinOpensMinutes,
      requiresValidation: c.requiresValidation,
      rotatingIntervalSeconds: c.rotatingIntervalSeconds,
      rotatingGraceSeconds: c.rotatingGraceSeconds,
      location: { mode: c.locationMode, radiusMeters: c.locationRadiusMeters },
    },
    relation,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
  if (relation !== 'student') {
    dto.joinCode = c.joinCode;
    dto.joinCodeEnabled = c.joinCodeEnabled;
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
    const qb = coursesQuery(this.dataSource.manager);
    if (user.role === UserRole.Teacher)
      qb.andWhere('EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = c.id AND ct.teacher_id = :userId)', {
        userId: user.id,
      });
    else if (user.role === UserRole.Student)
      qb.andWhere(
        'EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c.id AND e.student_id = :userId AND e.ended_at IS NULL)',
        { userId: user.id },
      );
    if (q.search) qb.andWhere('(c.code ILIKE :search OR c.name ILIKE :search)', { search: likePattern(q.search) });
    const total = await qb.getCount();
    const rows = await readCourseViews(qb.orderBy('c.code').addOrderBy('c.id').limit(pageSize).offset(offset));
    const relation: CourseRelation =
      user.role === UserRole.Admin ? 'admin' : user.role === UserRole.Teacher ? 'teacher' : 'student';
    return { items: rows.map((r) => toCourseDto(r, relation)), total, page, pageSize };
  }

  async get(user: AuthUser, id: string): Promise<CourseDto> {
    const relation = await this.access.assertCourseVisible(user, id);
    return this.load(id, relation);
  }

  async load(id: string, relation: CourseRelation, m: EntityManager = this.dataSource.manager): Promise<CourseDto> {
    const [course] = await readCourseViews(coursesQuery(m).where('c.id = :id', { id }));
    if (!course) throw AccessErrors.courseNotFound();
    return toCourseDto(course, relation);
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
          // Policy fields left out take the column defaults (the entity's).
          const inserted = await m.insert(CourseEntity, {
            code: dto.code,
            name: dto.name,
            description: dto.description ?? null,
            timezone: dto.timezone,
            joinCode: generateJoinCode(),
            codeValidityMinutes: p.codeValidityMinutes,
            lateAfterMinutes: p.lateAfterMinutes,
            checkinOpensMinutes: p.checkinOpensMinutes,
            requiresValidation: p.requiresValidation,
            rotatingIntervalSeconds: p.rotatingIntervalSeconds,
            rotatingGraceSeconds: p.rotatingGraceSeconds,
            locationMode: p.location?.mode,
            locationRadiusMeters: p.location?.radiusMeters,
          });
          const row = inserted.identifiers[0] as Pick<CourseEntity, 'id'>;
          if (teacherIds.length)
            await m.insert(
              CourseTeacherEntity,
              teacherIds.map((teacherId) => ({ courseId: row.id, teacherId })),
            );
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
        const p = dto.policy;
        const changes: QueryDeepPartialEntity<CourseEntity> = {
          code: dto.code,
          name: dto.name,
          description: dto.description,
          timezone: dto.timezone,
          codeValidityMinutes: p?.codeValidityMinutes,
          lateAfterMinutes: p?.lateAfterMinutes,
          checkinOpensMinutes: p?.checkinOpensMinutes,
          requiresValidation: p?.requiresValidation,
          rotatingIntervalSeconds: p?.rotatingIntervalSeconds,
          rotatingGraceSeconds: p?.rotatingGraceSeconds,
          locationMode: p?.location?.mode,
          locationRadiusMeters: p?.location?.radiusMeters,
        };
        for (const k of Object.keys(changes) as (keyof typeof changes)[])
          if (changes[k] === undefined) delete changes[k];
        if (Object.keys(changes).length) await m.update(CourseEntity, id, changes);
        if (dto.teacherIds !== undefined) {
          await this.assertTeachers(m, dto.teacherIds);
          const deleted = await m
            .createQueryBuilder()
            .delete()
            .from(CourseTeacherEntity)
            .where('course_id = :id AND NOT (teacher_id = ANY(:teacherIds))', { id, teacherIds: dto.teacherIds })
            .returning('teacher_id')
            .execute();
          const rows = deleted.raw as { teacher_id: string }[];
          if (rows.length)
            removedTeachers = this.revocations.courseAccessRemoved(
              id,
              rows.map((r) => r.teacher_id),
            );
          if (dto.teacherIds.length)
            await m
              .createQueryBuilder()
              .insert()
              .into(CourseTeacherEntity)
              .values(dto.teacherIds.map((teacherId) => ({ courseId: id, teacherId })))
              .orIgnore()
              .execute();
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
      await m
        .getRepository(ClassSessionEntity)
        .createQueryBuilder('s')
        .select('s.id')
        .where('s.courseId = :id', { id })
        .setLock('pessimistic_write')
        .getMany();
      if (!force && (await courseHasAttendance(m, id))) throw CourseErrors.hasAttendance();
      const before = await this.load(id, 'admin', m);
      await m.delete(CourseEntity, id);
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
          await m.update(CourseEntity, id, { joinCode: generateJoinCode(), joinCodeEnabled: true });
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
          await m
            .createQueryBuilder()
            .update(CourseEntity)
            .set({ joinCodeEnabled: enabled, ...(enabled && { joinCode: () => 'COALESCE(join_code, :newCode)' }) })
            .setParameter('newCode', generateJoinCode())
            .where('id = :id', { id })
            .execute();
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
    const rows = await m.find(UserEntity, { select: { id: true }, where: { id: In(ids), role: UserRole.Teacher } });
    const ok = new Set(rows.map((r) => r.id));
    const bad = ids.filter((i) => !ok.has(i));
    if (bad.length) throw CourseErrors.notTeachers({ details: { ids: bad } });
  }
}
