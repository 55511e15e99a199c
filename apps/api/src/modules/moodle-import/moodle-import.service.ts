import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { type AttendanceStatus, UserRole } from '@sysponto/contracts';
import { DataSource, In, IsNull, Raw } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { readMultipartFile } from '../../common/multipart-file.js';
import { isValidTimeZone } from '../../common/time.js';
import { AuditService } from '../audit/audit.service.js';
import { CourseEntity, EnrollmentEntity } from '../courses/course.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { enqueueWebhookEvents } from '../webhooks/webhooks.queries.js';
import {
  MoodleFormatError,
  type ParsedExport,
  parseMapping,
  parseMoodleExport,
  readSheet,
} from './moodle-attendance.format.js';
import type { MoodleImportQueryDto, MoodleImportReportDto } from './moodle-import.dto.js';
import { MoodleImportErrors } from './moodle-import.errors.js';
import {
  backdateEnrollments,
  existingSessionStarts,
  type ImportedRecord,
  insertClosedSessions,
  insertImportedRecords,
} from './moodle-import.queries.js';

export const MOODLE_IMPORT_MAX_BYTES = 2 * 1024 * 1024;
const MAX_ROWS = 5000;
const MAX_SESSIONS = 400;
const MAX_RECORDS = 50_000;
const DEFAULT_DURATION_MINUTES = 60;

/** A planned record: which session (index into the report's sessions) and student. */
interface Planned extends Omit<ImportedRecord, 'sessionId'> {
  session: number;
}

interface Plan {
  report: MoodleImportReportDto;
  records: Planned[];
  /** Per student: their first imported session's start. */
  firsts: Map<string, Date>;
}

/**
 * Moving a course's attendance in from Moodle (mod_attendance's export, moodle-attendance.format.ts): a dry run
 * previews the sessions and records it would create with every row's problems; a real run creates them in one
 * transaction — sessions closed, records with source `import`, their event log, the audit entry and the webhook
 * outbox — or, when anything is wrong, nothing (400 with the same report).
 */
@Injectable()
export class MoodleImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async import(
    user: AuthUser,
    courseId: string,
    req: FastifyRequest,
    query: MoodleImportQueryDto,
  ): Promise<MoodleImportReportDto> {
    await this.access.assertCourseStaff(user, courseId);
    const mapping = parseMapping(query.mapping);
    if (!mapping) throw MoodleImportErrors.invalidMapping();
    if (query.timezone !== undefined && !isValidTimeZone(query.timezone)) throw MoodleImportErrors.invalidTimezone();
    if (!req.isMultipart()) throw MoodleImportErrors.noFile();
    const upload = await readMultipartFile(req, MOODLE_IMPORT_MAX_BYTES).catch((err: { code?: unknown }) => {
      if (err?.code === 'FST_REQ_FILE_TOO_LARGE') throw MoodleImportErrors.tooLarge();
      if (typeof err?.code === 'string' && err.code.startsWith('FST_')) throw MoodleImportErrors.noFile();
      throw err;
    });
    if (!upload) throw MoodleImportErrors.noFile();
    if (upload.truncated) throw MoodleImportErrors.tooLarge();

    const course = await this.dataSource.manager.findOne(CourseEntity, {
      select: { id: true, timezone: true },
      where: { id: courseId },
    });
    const zone = query.timezone ?? course!.timezone;
    let parsed: ParsedExport;
    try {
      parsed = parseMoodleExport(await readSheet(upload.file, MAX_ROWS + 20), zone);
    } catch (err) {
      if (!(err instanceof MoodleFormatError)) throw err;
      throw err.kind === 'too-large'
        ? MoodleImportErrors.tooMany()
        : MoodleImportErrors.notExport({ message: err.message });
    }
    const cells = parsed.rows.reduce((n, r) => n + r.cells.length, 0);
    if (parsed.rows.length > MAX_ROWS || parsed.sessions.length > MAX_SESSIONS || cells > MAX_RECORDS)
      throw MoodleImportErrors.tooMany();

    const minutes = query.durationMinutes ?? DEFAULT_DURATION_MINUTES;
    const plan = await this.plan(courseId, parsed, mapping, zone, minutes, query.dryRun ?? true);
    if (plan.report.dryRun) return plan.report;
    if (plan.report.problems.length) throw MoodleImportErrors.invalidRows({ details: plan.report });
    return this.write(user, courseId, plan);
  }

  private async plan(
    courseId: string,
    parsed: ParsedExport,
    mapping: Record<string, AttendanceStatus>,
    zone: string,
    minutes: number,
    dryRun: boolean,
  ): Promise<Plan> {
    const m = this.dataSource.manager;
    const emails = [...new Set(parsed.rows.map((r) => r.email?.toLowerCase()).filter((e): e is string => !!e))];
    const numbers = [...new Set(parsed.rows.map((r) => r.idNumber).filter((n): n is string => !!n))];
    const [byEmail, byNumber, existing] = await Promise.all([
      emails.length
        ? m.find(UserEntity, {
            select: { id: true, email: true, fullName: true, role: true, studentNumber: true },
            where: { email: Raw((a) => `lower(${a}) = ANY(:emails)`, { emails }) },
          })
        : [],
      numbers.length
        ? m.find(UserEntity, {
            select: { id: true, email: true, fullName: true, role: true, studentNumber: true },
            where: { studentNumber: In(numbers) },
          })
        : [],
      existingSessionStarts(
        m,
        courseId,
        parsed.sessions.map((s) => s.startsAt),
      ),
    ]);
    const emailMap = new Map(byEmail.map((u) => [u.email.toLowerCase(), u]));
    const numberMap = new Map(byNumber.map((u) => [u.studentNumber!, u]));
    const candidates = [...new Set([...byEmail, ...byNumber].map((u) => u.id))];
    const enrollments = candidates.length
      ? await m.find(EnrollmentEntity, {
          select: { studentId: true, enrolledAt: true },
          where: { courseId, studentId: In(candidates), endedAt: IsNull() },
        })
      : [];
    const enrolledAt = new Map(enrollments.map((e) => [e.studentId, new Date(e.enrolledAt)]));

    const now = Date.now();
    const seenHeader = new Set<string>();
    const sessions: MoodleImportReportDto['sessions'] = parsed.sessions.map((s) => {
      const problems: string[] = [];
      const key = `${s.startsAt.getTime()}|${s.title ?? ''}`;
      if (seenHeader.has(key)) problems.push('another column of the file is the same session');
      seenHeader.add(key);
      if (existing.has(s.startsAt.getTime())) problems.push('the course already has a session at this time');
      const endsAt = new Date(s.startsAt.getTime() + minutes * 60_000);
      if (endsAt.getTime() > now) problems.push('the session has not ended yet: only past sessions are imported');
      return {
        header: s.header,
        startsAt: s.startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        title: s.title,
        records: 0,
        skipped: false,
        problems,
      };
    });

    const seenStudent = new Map<string, number>();
    const records: Planned[] = [];
    const firsts = new Map<string, Date>();
    const rows: MoodleImportReportDto['rows'] = parsed.rows.map((r) => {
      const problems: { field: string; reason: string }[] = [];
      const viaEmail = r.email ? emailMap.get(r.email.toLowerCase()) : undefined;
      const viaNumber = r.idNumber ? numberMap.get(r.idNumber) : undefined;
      const student = viaEmail ?? viaNumber;
      if (viaEmail && viaNumber && viaEmail.id !== viaNumber.id) {
        problems.push({ field: 'student', reason: 'the email and the ID number belong to two different users' });
      } else if (!student) {
        if (!r.email && !r.idNumber) problems.push({ field: 'student', reason: 'no email and no ID number' });
        else
          problems.push({ field: 'student', reason: 'no SysPonto user has this email or ID number (student number)' });
      } else if (student.role !== UserRole.Student) {
        problems.push({ field: 'student', reason: `${student.email} is not a student` });
      } else if (!enrolledAt.has(student.id)) {
        problems.push({ field: 'student', reason: `${student.email} is not enrolled in this course` });
      } else if (seenStudent.has(student.id)) {
        problems.push({ field: 'student', reason: `the same student as line ${seenStudent.get(student.id)}` });
      }
      if (student) seenStudent.set(student.id, seenStudent.get(student.id) ?? r.line);
      const mine: Planned[] = [];
      for (const c of r.cells) {
        const status = mapping[c.acronym];
        if (!status) {
          problems.push({
            field: parsed.sessions[c.session].header,
            reason: `status "${c.acronym}" is not mapped (mapping: ${Object.keys(mapping).join(', ')})`,
          });
          continue;
        }
        if (student) mine.push({ session: c.session, studentId: student.id, status, note: c.remark });
      }
      if (!problems.length) {
        records.push(...mine);
        for (const p of mine) {
          const start = parsed.sessions[p.session].startsAt;
          const first = firsts.get(p.studentId);
          if (!first || start < first) firsts.set(p.studentId, start);
        }
      }
      return {
        line: r.line,
        lastName: r.lastName,
        firstName: r.firstName,
        email: r.email,
        idNumber: r.idNumber,
        studentId: student?.id ?? null,
        fullName: student?.fullName ?? null,
        records: mine.length,
        problems,
      };
    });

    // A session nobody has a status in (not taken in Moodle) is left out, and so are its problems.
    for (const r of records) sessions[r.session].records++;
    parsed.sessions.forEach((_s, i) => {
      const hasCells = parsed.rows.some((r) => r.cells.some((c) => c.session === i));
      if (!hasCells) {
        sessions[i].skipped = true;
        sessions[i].problems = [];
      }
    });
    const byStatus = { present: 0, late: 0, excused: 0, absent: 0 };
    for (const r of records) byStatus[r.status as keyof typeof byStatus]++;
    const problems = [
      ...parsed.problems,
      ...sessions.flatMap((s) => s.problems.map((reason) => ({ line: parsed.headerLine, field: s.header, reason }))),
      ...rows.flatMap((r) => r.problems.map((p) => ({ line: r.line, ...p }))),
    ];
    if (!records.length && !problems.length)
      problems.push({ line: parsed.headerLine, field: 'file', reason: 'no attendance to import' });
    const invalid = rows.filter((r) => r.problems.length).length;
    const backdated = [...firsts].filter(([id, first]) => enrolledAt.get(id)! > first).length;
    const report: MoodleImportReportDto = {
      dryRun,
      imported: false,
      fileCourse: parsed.course,
      fileGroup: parsed.group,
      timezone: zone,
      mapping: Object.entries(mapping).map(([acronym, status]) => ({
        acronym,
        status: status as MoodleImportReportDto['mapping'][number]['status'],
      })),
      totalRows: rows.length,
      validRows: rows.length - invalid,
      invalidRows: invalid,
      sessionsToCreate: sessions.filter((s) => !s.skipped).length,
      recordsToCreate: records.length,
      byStatus,
      enrollmentsBackdated: backdated,
      problems,
      sessions,
      rows,
    };
    return { report, records, firsts };
  }

  private async write(user: AuthUser, courseId: string, { report, records, firsts }: Plan) {
    const created = report.sessions.map((s, i) => ({ s, i })).filter(({ s }) => !s.skipped);
    await this.dataSource.transaction(async (m) => {
      // One import of a course at a time: the second finds the first's sessions and stops.
      await m
        .getRepository(CourseEntity)
        .createQueryBuilder('c')
        .select('c.id')
        .where('c.id = :courseId', { courseId })
        .setLock('pessimistic_write')
        .getOne();
      const clash = await existingSessionStarts(
        m,
        courseId,
        created.map(({ s }) => new Date(s.startsAt)),
      );
      if (clash.size) throw MoodleImportErrors.conflict();
      const ids = await insertClosedSessions(
        m,
        courseId,
        user.id,
        created.map(({ s }) => ({ startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), title: s.title })),
      );
      created.forEach(({ s }, k) => (s.sessionId = ids[k]));
      const rows = records.map((r) => ({ ...r, sessionId: report.sessions[r.session].sessionId! }));
      await insertImportedRecords(m, user.id, rows);
      const moved = await backdateEnrollments(
        m,
        courseId,
        [...firsts].map(([studentId, from]) => ({ studentId, from })),
      );
      report.enrollmentsBackdated = moved.length;
      // The outbox, as a session closing writes it: each record's attendance.updated, then the session.closed.
      await enqueueWebhookEvents(
        m,
        'attendance.updated',
        rows.map((r) => ({
          data: {
            sessionId: r.sessionId,
            studentId: r.studentId,
            status: r.status,
            previousStatus: null,
            source: 'import' as const,
          },
          orderingKey: r.sessionId,
        })),
      );
      await enqueueWebhookEvents(
        m,
        'session.closed',
        created.map(({ s }) => ({
          data: {
            sessionId: s.sessionId!,
            courseId,
            state: 'closed' as const,
            startsAt: s.startsAt,
            endsAt: s.endsAt,
            validated: 0,
            markedAbsent: 0,
          },
          orderingKey: s.sessionId!,
        })),
      );
      await this.audit.record(m, {
        action: 'course.attendance-imported',
        targetType: 'course',
        targetId: courseId,
        summary: {
          source: 'moodle',
          fileCourse: report.fileCourse,
          sessions: ids.length,
          records: rows.length,
          byStatus: report.byStatus,
          sessionIds: ids,
          enrollmentsBackdated: moved,
        },
      });
    });
    report.imported = true;
    return report;
  }
}
