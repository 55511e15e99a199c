import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import { FileStorage } from '../storage/file-storage.js';
import {
  type JustificationDto,
  type JustificationPageDto,
  type JustificationRow,
  type ListJustificationsQueryDto,
  toJustificationDto,
} from './justifications.dto.js';
import { JustificationErrors } from './justifications.errors.js';

const SELECT = `
  SELECT j.id, j.session_id, s.course_id, c.code AS course_code, c.name AS course_name, c.timezone, s.title AS session_title,
         s.starts_at, s.ends_at, j.student_id, st.full_name AS student_name, st.student_number, j.type, j.reason, j.status,
         j.document_key, j.document_name, j.document_type, j.document_size, r.status AS attendance_status,
         j.reviewer_id, rv.full_name AS reviewer_name, j.review_comment, j.reviewed_at, j.created_at, j.updated_at
    FROM justifications j
    JOIN class_sessions s ON s.id = j.session_id
    JOIN courses c ON c.id = s.course_id
    JOIN users st ON st.id = j.student_id
    LEFT JOIN users rv ON rv.id = j.reviewer_id
    LEFT JOIN attendance_records r ON r.session_id = j.session_id AND r.student_id = j.student_id`;

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
  ) {}

  /** `$1` is the caller's id in the returned clause. */
  private visibility(user: AuthUser): string {
    switch (user.role) {
      case UserRole.Admin:
        return '$1::uuid IS NOT NULL'; // everything (the parameter is still typed)
      case UserRole.Teacher:
        return 'EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = s.course_id AND ct.teacher_id = $1)';
      case UserRole.Student:
        return 'j.student_id = $1';
    }
  }

  async list(user: AuthUser, q: ListJustificationsQueryDto): Promise<JustificationPageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const params: unknown[] = [user.id];
    const where = [this.visibility(user)];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.status) add((p) => `j.status = ${p}`, q.status);
    if (q.courseId) add((p) => `s.course_id = ${p}`, q.courseId);
    if (q.studentId) add((p) => `j.student_id = ${p}`, q.studentId);
    if (q.sessionId) add((p) => `j.session_id = ${p}`, q.sessionId);
    if (q.search)
      add(
        (p) =>
          `(st.full_name ILIKE ${p} OR st.email ILIKE ${p} OR st.student_number ILIKE ${p} OR c.code ILIKE ${p} OR c.name ILIKE ${p})`,
        likePattern(q.search),
      );
    const filter = where.join(' AND ');
    params.push(pageSize, offset);
    const rows: (JustificationRow & { total: number })[] = await this.dataSource.query(
      `SELECT x.*, count(*) OVER ()::int AS total FROM (${SELECT} WHERE ${filter}) x
        ORDER BY x.created_at DESC, x.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && offset > 0) {
      const [{ n }] = (await this.dataSource.query(
        `SELECT count(*)::int AS n FROM (${SELECT} WHERE ${filter}) x`,
        params.slice(0, -2),
      )) as { n: number }[];
      total = n;
    }
    return { items: rows.map(toJustificationDto), total, page, pageSize };
  }

  /** One visible justification as a raw row (404 otherwise). */
  async findVisible(user: AuthUser, id: string, m: EntityManager = this.dataSource.manager): Promise<JustificationRow> {
    const rows: JustificationRow[] = await m.query(`${SELECT} WHERE j.id = $2 AND ${this.visibility(user)}`, [
      user.id,
      id,
    ]);
    if (!rows[0]) throw JustificationErrors.notFound();
    return rows[0];
  }

  async get(user: AuthUser, id: string): Promise<JustificationDto> {
    return toJustificationDto(await this.findVisible(user, id));
  }

  /** The document, for its owner, the course's teachers and admins (404 for anyone else). */
  async document(user: AuthUser, id: string): Promise<DocumentDownload> {
    const row = await this.findVisible(user, id);
    if (!row.document_key) throw JustificationErrors.documentNotFound();
    const stream = await this.storage.get(row.document_key);
    if (!stream) throw JustificationErrors.documentNotFound();
    return {
      stream,
      name: row.document_name ?? 'document',
      type: row.document_type ?? 'application/octet-stream',
      size: row.document_size ?? 0,
    };
  }

  /** The owner withdraws a pending justification (a new one may then be filed for the session). */
  async withdraw(user: AuthUser, id: string): Promise<JustificationDto> {
    const res: unknown = await this.dataSource.query(
      `UPDATE justifications SET status = 'withdrawn', updated_at = now() WHERE id = $1 AND student_id = $2 AND status = 'pending' RETURNING id`,
      [id, user.id],
    );
    const updated = Array.isArray(res) && Array.isArray(res[0]) ? (res[0] as unknown[]) : (res as unknown[]);
    if (updated.length === 0) {
      const row = await this.findVisible(user, id); // 404 when not the caller's
      if (row.status !== 'pending') throw JustificationErrors.notPending();
    }
    return this.get(user, id);
  }
}
