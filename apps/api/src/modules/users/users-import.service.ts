import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource, Raw } from 'typeorm';
import { CommonErrors } from '../../common/app-error.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { PasswordService } from '../auth/password.service.js';
import {
  type CheckedRow,
  checkRows,
  CsvHeaderError,
  CsvLimitError,
  IMPORT_MAX_BYTES,
  type RawRow,
  readUsersCsv,
  rejectedRowsCsv,
} from './users-import.csv.js';
import type { UsersImportMode, UsersImportReportDto } from './users-import.dto.js';
import { UsersImportErrors } from './users-import.errors.js';
import { enqueueWebhookEvents } from '../webhooks/webhooks.queries.js';
import { CourseEntity } from '../courses/course.entity.js';
import { UserEntity } from './user.entity.js';
import { enrollByCourseCode, insertImportedUsers } from './users.queries.js';
import type { UserRole } from '@sysponto/contracts';
import { AuditService } from '../audit/audit.service.js';
import { multipartReadError, readMultipartFile, type UploadedFile } from '../../common/multipart-file.js';

/** Browsers label .csv files text/csv, or application/vnd.ms-excel on Windows with Excel installed. */
export const CSV_CONTENT_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];
/**
 * Hashes go through the process's one hashing pool (PasswordService); a few outstanding at a time leaves room in
 * its queue for the logins that arrive meanwhile (FIFO: a 5000-row import must not queue ahead of them all).
 */
const HASH_CONCURRENCY = 4;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * CSV import of users (and their course enrollments): a dry run reports every row's errors and writes nothing; a real
 * run writes every row in one transaction or, if any row is bad, nothing (400 with the same report) — or, with
 * mode=valid, the valid rows only. Every report carries the rejected rows as a CSV with their errors.
 */
@Injectable()
export class UsersImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
  ) {}

  /** The uploaded CSV as a stream: a multipart `file` field, or a text/csv body. */
  async source(req: FastifyRequest): Promise<Readable> {
    if (req.isMultipart()) {
      let upload: UploadedFile | null;
      try {
        upload = await readMultipartFile(req, IMPORT_MAX_BYTES);
      } catch (err) {
        throw this.mapReadError(err);
      }
      if (!upload) throw UsersImportErrors.noFile();
      if (upload.truncated) throw UsersImportErrors.tooLarge();
      return Readable.from([upload.file]);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (CSV_CONTENT_TYPES.includes(type) && req.body && typeof (req.body as Readable).pipe === 'function')
      return req.body as Readable;
    throw CommonErrors.unsupportedMedia({
      message: 'Send the CSV as text/csv, or as multipart/form-data with the file in the "file" field.',
    });
  }

  async import(source: Readable, dryRun: boolean, mode: UsersImportMode = 'all'): Promise<UsersImportReportDto> {
    let parsed: { rows: RawRow[]; columnCount: number };
    try {
      parsed = await readUsersCsv(source);
    } catch (err) {
      throw this.mapReadError(err);
    }
    // A multipart file cut at its size limit ends early instead of failing: never import half a file.
    if ((source as Readable & { truncated?: boolean }).truncated) throw UsersImportErrors.tooLarge();
    if (!parsed.rows.length) throw UsersImportErrors.empty();
    const all = checkRows(parsed.rows, await this.existing(parsed.rows), parsed.columnCount);
    const report = this.report(all, dryRun);
    if (dryRun) return report;
    if (report.invalidRows && mode === 'all') throw UsersImportErrors.invalidRows({ details: report });
    // mode=valid: the valid rows only (a duplicate's first occurrence is valid, the later ones are rejected).
    const checked = all.filter((r) => !r.errors.length);
    const written = report.rows.filter((r) => !r.errors.length);
    if (!checked.length) return report;

    // Hash before the transaction: no locks are held while argon2 works.
    const temporary = checked.map(() => this.passwords.temporaryPassword());
    const hashes = await mapLimit(temporary, HASH_CONCURRENCY, (p) => this.passwords.hashTemporary(p));
    try {
      await this.dataSource.transaction(async (m) => {
        const created = await insertImportedUsers(
          m,
          checked.map((r, i) => ({
            email: r.email,
            fullName: r.fullName,
            role: r.role as UserRole,
            passwordHash: hashes[i],
            studentNumber: r.studentNumber ?? null,
          })),
        );
        const ids = new Map(created.map((c) => [c.email, c.id]));
        await enqueueWebhookEvents(
          m,
          'user.created',
          checked.map((r) => ({
            data: {
              id: ids.get(r.email)!,
              email: r.email,
              fullName: r.fullName,
              role: r.role as UserRole,
              active: true,
              studentNumber: r.studentNumber ?? null,
            },
          })),
        );
        const pairs = checked.flatMap((r) => r.courses.map((code) => [ids.get(r.email)!, code] as const));
        let enrolled = 0;
        if (pairs.length) {
          const ins = await enrollByCourseCode(m, pairs);
          enrolled = ins.length;
          await enqueueWebhookEvents(
            m,
            'enrollment.created',
            ins.map((r) => ({ data: r })),
          );
        }
        written.forEach((row, i) => {
          row.userId = ids.get(row.email);
          row.temporaryPassword = temporary[i];
        });
        report.created = created.length;
        report.enrollments = enrolled;
        await this.audit.record(m, [
          {
            action: 'user.imported',
            targetType: 'user',
            summary: {
              created: created.length,
              enrollments: enrolled,
              rejected: report.invalidRows,
              mode,
              emails: checked.map((r) => r.email),
            },
          },
          ...checked.map((r) => ({
            action: 'user.created' as const,
            targetType: 'user',
            targetId: ids.get(r.email)!,
            summary: {
              email: r.email,
              fullName: r.fullName,
              role: r.role,
              studentNumber: r.studentNumber ?? null,
              courses: r.courses,
              credential: 'temporary',
              source: 'import',
            },
          })),
        ]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw UsersImportErrors.conflict();
      throw err;
    }
    report.imported = true;
    return report;
  }

  private async existing(rows: RawRow[]) {
    const emails = rows.map((r) => (r.values.email ?? '').toLowerCase()).filter(Boolean);
    const numbers = rows.map((r) => r.values.studentNumber ?? '').filter(Boolean);
    const codes = rows
      .flatMap((r) => (r.values.courses ?? '').split(';').map((c) => c.trim().toUpperCase()))
      .filter(Boolean);
    const m = this.dataSource.manager;
    const [e, s, c] = await Promise.all([
      m.find(UserEntity, {
        select: { id: true, email: true },
        where: { email: Raw((a) => `lower(${a}) = ANY(:emails)`, { emails }) },
      }),
      m.find(UserEntity, {
        select: { id: true, studentNumber: true },
        where: { studentNumber: Raw((a) => `${a} = ANY(:numbers)`, { numbers }) },
      }),
      m.find(CourseEntity, {
        select: { id: true, code: true },
        where: { code: Raw((a) => `${a} = ANY(:codes)`, { codes: [...new Set(codes)] }) },
      }),
    ]);
    return {
      emails: new Set(e.map((u) => u.email.toLowerCase())),
      studentNumbers: new Set(s.map((u) => u.studentNumber!)),
      courseCodes: new Set(c.map((x) => x.code)),
    };
  }

  private report(rows: CheckedRow[], dryRun: boolean): UsersImportReportDto {
    const invalid = rows.filter((r) => r.errors.length).length;
    return {
      dryRun,
      imported: false,
      totalRows: rows.length,
      validRows: rows.length - invalid,
      invalidRows: invalid,
      created: 0,
      enrollments: rows.filter((r) => !r.errors.length).reduce((n, r) => n + r.courses.length, 0),
      errors: rows.flatMap((r) => r.errors.map((e) => ({ line: r.line, ...e }))),
      rows: rows.map((r) => ({ ...r })),
      rejectedCsv: rejectedRowsCsv(rows),
    };
  }

  private mapReadError(err: unknown): unknown {
    if (err instanceof CsvLimitError)
      return err.kind === 'bytes' ? UsersImportErrors.tooLarge() : UsersImportErrors.tooManyRows();
    if (err instanceof CsvHeaderError) return UsersImportErrors.badHeader({ details: err.details });
    const e = err as { code?: string; message?: string; lines?: number };
    if (e?.code === 'FST_REQ_FILE_TOO_LARGE') return UsersImportErrors.tooLarge();
    if (typeof e?.code === 'string' && e.code.startsWith('CSV_')) {
      return UsersImportErrors.notCsv({
        message: `The file is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message ?? ''}`.slice(0, 300),
      });
    }
    if (typeof e?.code === 'string' && e.code.startsWith('FST_')) return UsersImportErrors.noFile();
    return multipartReadError(err);
  }
}
