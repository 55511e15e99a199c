import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { Brackets, type EntityManager, Repository, type SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { AttendanceRecordEntity } from '../attendance/attendance-record.entity.js';
import { CourseTeacherEntity } from '../courses/course.entity.js';
import { FileStorage } from '../storage/file-storage.js';
import { JustificationEntity } from './justification.entity.js';
import {
  type JustificationDto,
  type JustificationPageDto,
  type JustificationView,
  type ListJustificationsQueryDto,
  toJustificationDto,
} from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';

export interface DocumentDownload {
  stream: Readable;
  name: string;
  type: string;
  size: number;
}

/**
 * Reading and withdrawing justifications. Visibility: a student sees their own, a teacher those of the courses
 * they teach, an admin all; anything else is 404 (no oracle).
 */
@Injectable()
export class JustificationsService {
  constructor(
    @InjectRepository(JustificationEntity) private readonly justifications: Repository<JustificationEntity>,
    private readonly storage: FileStorage,
  ) {}

  /** Justifications (alias `j`) with what their DTO shows, limited to those the caller may see. */
  private visible(user: AuthUser, m: EntityManager): SelectQueryBuilder<JustificationEntity> {
    const qb = m
      .createQueryBuilder(JustificationEntity, 'j')
      .innerJoin('j.session', 's')
      .innerJoin('s.course', 'c')
      .innerJoin('j.student', 'st')
      .leftJoin('j.reviewer', 'rv')
      .leftJoinAndMapOne(
        'j.attendance',
        AttendanceRecordEntity,
        'r',
        'r.sessionId = j.sessionId AND r.studentId = j.studentId',
      )
      .select('j')
      .addSelect(['s.id', 's.courseId', 's.title', 's.startsAt', 's.endsAt'])
      .addSelect(['c.id', 'c.code', 'c.name', 'c.timezone'])
      .addSelect(['st.id', 'st.fullName', 'st.studentNumber'])
      .addSelect(['rv.id', 'rv.fullName'])
      .addSelect(['r.sessionId', 'r.studentId', 'r.status']);
    switch (user.role) {
      case UserRole.Admin:
        return qb;
      case UserRole.Teacher:
        return qb.where(
          `EXISTS (${m
            .createQueryBuilder(CourseTeacherEntity, 'ct')
            .select('1')
            .where('ct.courseId = s.courseId AND ct.teacherId = :caller')
            .getQuery()})`,
          { caller: user.id },
        );
      case UserRole.Student:
        return qb.where('j.studentId = :caller', { caller: user.id });
    }
  }

  async list(user: AuthUser, q: ListJustificationsQueryDto): Promise<JustificationPageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const qb = this.visible(user, this.justifications.manager);
    if (q.status) qb.andWhere('j.status = :status', { status: q.status });
    if (q.courseId) qb.andWhere('s.courseId = :courseId', { courseId: q.courseId });
    if (q.studentId) qb.andWhere('j.studentId = :studentId', { studentId: q.studentId });
    if (q.sessionId) qb.andWhere('j.sessionId = :sessionId', { sessionId: q.sessionId });
    if (q.search)
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('st.fullName ILIKE :search')
            .orWhere('st.email ILIKE :search')
            .orWhere('st.studentNumber ILIKE :search')
            .orWhere('c.code ILIKE :search')
            .orWhere('c.name ILIKE :search'),
        ),
        { search: likePattern(q.search) },
      );
    // One round trip: the page and, beside each row, the count of the whole filtered list.
    const { entities, raw } = await qb
      .addSelect('count(*) OVER ()', 'total')
      .orderBy('j.createdAt', 'DESC')
      .addOrderBy('j.id', 'DESC')
      .limit(pageSize)
      .offset(offset)
      .getRawAndEntities<{ total: string }>();
    let total = raw[0] ? Number(raw[0].total) : 0;
    if (entities.length === 0 && offset > 0) total = await qb.getCount(); // past the last page
    return { items: (entities as JustificationView[]).map(toJustificationDto), total, page, pageSize };
  }

  /** One visible justification with what its DTO shows (404 otherwise). */
  async findVisible(
    user: AuthUser,
    id: string,
    m: EntityManager = this.justifications.manager,
  ): Promise<JustificationView> {
    const j = await this.visible(user, m).andWhere('j.id = :id', { id }).getOne();
    if (!j) throw JustificationErrors.notFound();
    return j as JustificationView;
  }

  async get(user: AuthUser, id: string): Promise<JustificationDto> {
    return toJustificationDto(await this.findVisible(user, id));
  }

  /** The document, for its owner, the course's teachers and admins (404 for anyone else). */
  async document(user: AuthUser, id: string): Promise<DocumentDownload> {
    const row = await this.findVisible(user, id);
    if (!row.documentKey) throw JustificationErrors.documentNotFound();
    const stream = await this.storage.get(row.documentKey);
    if (!stream) throw JustificationErrors.documentNotFound();
    return {
      stream,
      name: row.documentName ?? 'document',
      type: row.documentType ?? 'application/octet-stream',
      size: row.documentSize ?? 0,
    };
  }

  /** The owner withdraws a pending justification (a new one may then be filed for the session). */
  async withdraw(user: AuthUser, id: string): Promise<JustificationDto> {
    const { affected } = await this.justifications.update(
      { id, studentId: user.id, status: 'pending' },
      { status: 'withdrawn' },
    );
    if (!affected) {
      const row = await this.findVisible(user, id); // 404 when not the caller's
      if (row.status !== 'pending') throw JustificationErrors.notPending();
    }
    return this.get(user, id);
  }
}
