import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole, type AttendanceStatus, type JustificationStatus, type SessionState } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessErrors, AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import {
  durationProblem,
  expandWeeklySeries,
  isoInZone,
  MAX_SERIES_SESSIONS,
  MAX_SESSION_HOURS,
  type PlannedSlot,
  retime,
  type SkippedDate,
} from './series.js';
import { holidaysBetween } from './holidays.queries.js';
import { checkinOpensAt, deriveSessionState } from './session-state.js';
import { SessionErrors } from './sessions.errors.js';
import { AuditService, diffSnapshots } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { canJustify as canFile } from '../justifications/justification-window.js';
import type {
  CreateSessionsDto,
  DeletedSessionsDto,
  ListCourseSessionsQueryDto,
  MySessionDto,
  MySessionsDto,
  MySessionsQueryDto,
  SessionDto,
  CreatedSeriesDto,
  SessionPageDto,
  SessionScope,
  UpdateSessionDto,
} from './sessions.dto.js';

export const MY_SESSIONS_MAX_DAYS = 366;
export const MY_SESSIONS_MAX_ITEMS = 2000;

interface SessionRow {
  id: string;
  course_id: string;
  series_id: string | null;
  title: string | null;
  room: string | null;
  starts_at: Date;
  ends_at: Date;
  state: SessionState;
  closed_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  course_code: string;
  course_name: string;
  timezone: string;
  checkin_opens_minutes: number;
}

/** What listMine adds for a student. */
interface MyRow {
  my_status: AttendanceStatus | null;
  my_justification: JustificationStatus | null;
  expected: boolean;
}

const SESSION_SELECT = `
  SELECT s.id, s.course_id, s.series_id, s.title, s.room, s.starts_at, s.ends_at, s.state, s.closed_at, s.cancelled_at, s.cancel_reason,
         c.code AS course_code, c.name AS course_name, c.timezone, c.checkin_opens_minutes
    FROM class_sessions s JOIN courses c ON c.id = s.course_id`;

export function toSessionDto(r: SessionRow, now = new Date()): SessionDto {
  const startsAt = new Date(r.starts_at);
  const endsAt = new Date(r.ends_at);
  return {
    id: r.id,
    courseId: r.course_id,
    courseCode: r.course_code,
    courseName: r.course_name,
    timezone: r.timezone,
    seriesId: r.series_id,
    title: r.title,
    room: r.room,
    startsAt: isoInZone(startsAt, r.timezone),
    endsAt: isoInZone(endsAt, r.timezone),
    checkinOpensAt: isoInZone(checkinOpensAt(startsAt, r.checkin_opens_minutes), r.timezone),
    state: deriveSessionState({ state: r.state, startsAt, endsAt }, r.checkin_opens_minutes, now),
    closedAt: r.closed_at ? isoInZone(new Date(r.closed_at), r.timezone) : null,
    cancelledAt: r.cancelled_at ? isoInZone(new Date(r.cancelled_at), r.timezone) : null,
    cancelReason: r.cancel_reason,
  };
}

/** A date-only value means 00:00 UTC that day. */
function instant(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}

function invalidTimes(field: string, reason: string) {
  return SessionErrors.invalidTimes({ message: `${field} ${reason}.`, details: [{ field, messages: [reason] }] });
}

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async listForCourse(user: AuthUser, courseId: string, q: ListCourseSessionsQueryDto): Promise<SessionPageDto> {
    await this.access.assertCourseVisible(user, courseId);
    const { page, pageSize, offset } = pageOf(q);
    const params: unknown[] = [courseId];
    const where = ['s.course_id = $1'];
    if (q.from) {
      params.push(instant(q.from));
      // Sessions last at most 12 hours: the lower bound on starts_at lets the (course_id, starts_at) index do the work.
      where.push(
        `s.ends_at > $${params.length} AND s.starts_at > $${params.length}::timestamptz - interval '${MAX_SESSION_HOURS} hours'`,
      );
    }
    if (q.to) {
      params.push(instant(q.to));
      where.push(`s.starts_at < $${params.length}`);
    }
    if (q.search) {
      params.push(likePattern(q.search));
      where.push(`(s.title ILIKE $${params.length} OR s.room ILIKE $${params.length})`);
    }
    const filter = `WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM class_sessions s ${filter}`,
      params,
    );
    const rows: SessionRow[] = await this.dataSource.query(
      `${SESSION_SELECT} ${filter} ORDER BY s.starts_at, s.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    const now = new Date();
    return { items: rows.map((r) => toSessionDto(r, now)), total, page, pageSize };
  }

  /** The caller's calendar: enrolled courses (students), taught courses (teachers), every course (admins). */
  async listMine(user: AuthUser, q: MySessionsQueryDto): Promise<MySessionsDto> {
    const from = instant(q.from);
    const to = instant(q.to);
    if (!(to > from))
      throw SessionErrors.invalidTimes({
        message: 'to must be after from.',
        details: [{ field: 'to', messages: ['must be after from'] }],
      });
    if (to.getTime() - from.getTime() > MY_SESSIONS_MAX_DAYS * 86_400_000) throw SessionErrors.rangeTooLong();
    const params: unknown[] = [from, to];
    let mine = '';
    let select = SESSION_SELECT;
    if (user.role === UserRole.Student) {
      params.push(user.id);
      select = SESSION_SELECT.replace(
        'FROM class_sessions s',
        `, (SELECT r.status FROM attendance_records r WHERE r.session_id = s.id AND r.student_id = $3) AS my_status,
           (SELECT j.status FROM justifications j
             WHERE j.session_id = s.id AND j.student_id = $3 AND j.status <> 'withdrawn') AS my_justification,
           EXISTS (SELECT 1 FROM attendance_expected x WHERE x.session_id = s.id AND x.student_id = $3) AS expected
      FROM class_sessions s`,
      );
      // Sessions that overlap one of my enrollment periods (not those of a course before I joined or after I left).
      mine = `AND EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = $3
                         AND s.ends_at > e.enrolled_at AND (e.ended_at IS NULL OR s.starts_at < e.ended_at))`;
    } else if (user.role === UserRole.Teacher) {
      params.push(user.id);
      mine = `AND EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = s.course_id AND ct.teacher_id = $3)`;
    }
    const rows: (SessionRow & Partial<MyRow>)[] = await this.dataSource.query(
      `${select} WHERE s.ends_at > $1 AND s.starts_at > $1::timestamptz - interval '${MAX_SESSION_HOURS} hours' AND s.starts_at < $2 ${mine} ORDER BY s.starts_at, s.id LIMIT ${MY_SESSIONS_MAX_ITEMS + 1}`,
      params,
    );
    const now = new Date();
    return {
      items: rows.slice(0, MY_SESSIONS_MAX_ITEMS).map((r) => this.toMySessionDto(r, now)),
      truncated: rows.length > MY_SESSIONS_MAX_ITEMS,
    };
  }

  private toMySessionDto(r: SessionRow & Partial<MyRow>, now: Date): MySessionDto {
    const myStatus = r.my_status ?? null;
    const myJustification = r.my_justification ?? null;
    const canJustify = canFile(
      {
        startsAt: new Date(r.starts_at),
        endsAt: new Date(r.ends_at),
        expected: r.expected === true,
        status: myStatus,
        justification: myJustification,
      },
      now.getTime(),
      this.config.justifications.windowDays,
    );
    return { ...toSessionDto(r, now), myStatus, myJustification, canJustify };
  }

  async get(user: AuthUser, id: string): Promise<SessionDto> {
    await this.access.sessionContext(user, id);
    return this.load(id);
  }

  async load(id: string, m: EntityManager = this.dataSource.manager): Promise<SessionDto> {
    const rows: SessionRow[] = await m.query(`${SESSION_SELECT} WHERE s.id = $1`, [id]);
    if (!rows[0]) throw AccessErrors.sessionNotFound();
    return toSessionDto(rows[0]);
  }

  /** One session → the session; a weekly series → {items}, all rows in one INSERT sharing one series id. */
  async create(user: AuthUser, courseId: string, dto: CreateSessionsDto): Promise<SessionDto | CreatedSeriesDto> {
    await this.access.assertCourseStaff(user, courseId);
    const single = dto.startsAt !== undefined || dto.endsAt !== undefined;
    if (single === (dto.series !== undefined)) throw SessionErrors.oneOrSeries();
    const [course]: { timezone: string }[] = await this.dataSource.query(`SELECT timezone FROM courses WHERE id = $1`, [
      courseId,
    ]);
    if (!course) throw AccessErrors.courseNotFound();
    let slots: PlannedSlot[];
    let skipped: SkippedDate[] = [];
    let seriesId: string | null = null;
    if (single) {
      if (!dto.startsAt) throw invalidTimes('startsAt', 'is required with endsAt');
      if (!dto.endsAt) throw invalidTimes('endsAt', 'is required with startsAt');
      const slot = { startsAt: new Date(dto.startsAt), endsAt: new Date(dto.endsAt) };
      const problem = durationProblem(slot.startsAt, slot.endsAt);
      if (problem) throw invalidTimes('endsAt', problem);
      slots = [slot];
    } else {
      const holidays = await holidaysBetween(this.dataSource, dto.series!.from, dto.series!.to);
      const r = expandWeeklySeries(dto.series!, course.timezone, holidays);
      if ('problem' in r) {
        const details = [{ field: r.problem.field, messages: [r.problem.reason] }];
        throw r.problem.kind === 'too-many'
          ? SessionErrors.seriesTooLong({
              message: `A weekly series makes at most ${MAX_SERIES_SESSIONS} sessions; this one would make at least ${r.problem.count}. Shorten the date range or pick fewer weekdays.`,
              details,
            })
          : SessionErrors.invalidSeries({ message: `${r.problem.field} ${r.problem.reason}.`, details });
      }
      slots = r.slots;
      skipped = r.skipped;
      seriesId = randomUUID();
    }
    const ids = await this.dataSource.transaction(async (m) => {
      const inserted: { id: string; starts_at: Date; ends_at: Date }[] = await m.query(
        `INSERT INTO class_sessions (course_id, series_id, title, room, starts_at, ends_at)
         SELECT $1, $2, $3, $4, t.s, t.e FROM unnest($5::timestamptz[], $6::timestamptz[]) AS t(s, e)
         RETURNING id, starts_at, ends_at`,
        [
          courseId,
          seriesId,
          dto.title ?? null,
          dto.room ?? null,
          slots.map((s) => s.startsAt.toISOString()),
          slots.map((s) => s.endsAt.toISOString()),
        ],
      );
      await this.audit.record(
        m,
        inserted.map((r) => ({
          action: 'session.created' as const,
          targetType: 'session',
          targetId: r.id,
          summary: {
            courseId,
            startsAt: r.starts_at,
            endsAt: r.ends_at,
            title: dto.title ?? null,
            room: dto.room ?? null,
            ...(seriesId ? { seriesId, seriesCount: inserted.length } : {}),
          },
        })),
      );
      return inserted;
    });
    const rows: SessionRow[] = await this.dataSource.query(
      `${SESSION_SELECT} WHERE s.id = ANY($1::uuid[]) ORDER BY s.starts_at, s.id`,
      [ids.map((r) => r.id)],
    );
    const now = new Date();
    const items = rows.map((r) => toSessionDto(r, now));
    return single ? items[0] : { items, skipped };
  }

  /**
   * Edits this session, or (scope=following) this one and the later sessions of its series that are not closed.
   * startTime/endTime move each session on its own local date; startsAt/endsAt only with scope=one.
   */
  async update(user: AuthUser, id: string, scope: SessionScope, dto: UpdateSessionDto): Promise<SessionDto> {
    const retimes = dto.startTime !== undefined || dto.endTime !== undefined;
    const moves = dto.startsAt !== undefined || dto.endsAt !== undefined;
    if (retimes && moves) throw invalidTimes('startsAt', 'cannot be combined with startTime/endTime');
    if (moves && scope === 'following')
      throw invalidTimes('startsAt', 'applies to one session: use startTime/endTime with scope=following');
    await this.dataSource.transaction(async (m) => {
      const ctx = await this.access.assertSessionStaff(user, id, m);
      const targets = await this.lockTargets(m, id, scope);
      const changesTime = retimes || moves;
      if (changesTime && targets.some((t) => t.state === 'closed')) throw SessionErrors.closed();
      if (changesTime && targets.some((t) => t.state === 'cancelled')) throw SessionErrors.alreadyCancelled();
      const planned = targets.map((t) => {
        const slot = { startsAt: new Date(t.starts_at), endsAt: new Date(t.ends_at) };
        if (moves)
          return {
            id: t.id,
            startsAt: dto.startsAt ? new Date(dto.startsAt) : slot.startsAt,
            endsAt: dto.endsAt ? new Date(dto.endsAt) : slot.endsAt,
          };
        if (retimes) return { id: t.id, ...retime(slot, ctx.timezone, dto.startTime, dto.endTime) };
        return { id: t.id, ...slot };
      });
      for (const p of planned) {
        const problem = durationProblem(p.startsAt, p.endsAt);
        if (problem) throw invalidTimes(retimes ? 'endTime' : 'endsAt', problem);
      }
      const setTitle = dto.title !== undefined;
      const setRoom = dto.room !== undefined;
      await m.query(
        `UPDATE class_sessions s
            SET starts_at = v.s, ends_at = v.e,
                title = CASE WHEN $4::boolean THEN $5::varchar ELSE s.title END,
                room = CASE WHEN $6::boolean THEN $7::varchar ELSE s.room END,
                updated_at = now()
           FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS v(id, s, e)
          WHERE s.id = v.id`,
        [
          planned.map((p) => p.id),
          planned.map((p) => p.startsAt.toISOString()),
          planned.map((p) => p.endsAt.toISOString()),
          setTitle,
          dto.title ?? null,
          setRoom,
          dto.room ?? null,
        ],
      );
      const fields = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
      await this.audit.record(
        m,
        planned.map((p, i) => ({
          action: 'session.updated' as const,
          targetType: 'session',
          targetId: p.id,
          summary: {
            courseId: ctx.courseId,
            scope,
            set: fields,
            ...(changesTime
              ? {
                  changes: diffSnapshots(
                    { startsAt: new Date(targets[i].starts_at), endsAt: new Date(targets[i].ends_at) },
                    { startsAt: p.startsAt, endsAt: p.endsAt },
                    ['startsAt', 'endsAt'],
                  ),
                }
              : {}),
          },
        })),
      );
    });
    return this.load(id);
  }

  /** Deletes this session (or this and the later, not closed sessions of its series); refused if any has attendance. */
  async remove(user: AuthUser, id: string, scope: SessionScope): Promise<DeletedSessionsDto> {
    return this.dataSource.transaction(async (m) => {
      await this.access.assertSessionStaff(user, id, m);
      // The row locks make a concurrent check-in (its FK check) wait until we are done, so none is lost by the cascade.
      const targets = await this.lockTargets(m, id, scope);
      const ids = targets.map((t) => t.id);
      const used: { id: string }[] = await m.query(
        `SELECT s.id FROM unnest($1::uuid[]) AS s(id)
          WHERE EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = s.id)
             OR EXISTS (SELECT 1 FROM justifications j WHERE j.session_id = s.id)`,
        [ids],
      );
      if (used.length) throw SessionErrors.hasAttendance({ details: { sessionIds: used.map((u) => u.id) } });
      await m.query(`DELETE FROM class_sessions WHERE id = ANY($1::uuid[])`, [ids]);
      await this.audit.record(
        m,
        targets.map((t) => ({
          action: 'session.deleted' as const,
          targetType: 'session',
          targetId: t.id,
          summary: { scope, startsAt: new Date(t.starts_at), endsAt: new Date(t.ends_at) },
        })),
      );
      return { deleted: ids.length, ids };
    });
  }

  /** This session, plus (scope=following) the later sessions of its series that are not closed; locked FOR UPDATE. */
  private async lockTargets(m: EntityManager, id: string, scope: SessionScope) {
    type Target = { id: string; starts_at: Date; ends_at: Date; state: SessionState };
    const [self]: (Target & { series_id: string | null })[] = await m.query(
      `SELECT id, series_id, starts_at, ends_at, state FROM class_sessions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    // Deleted by someone else since the access check.
    if (!self) throw AccessErrors.sessionNotFound();
    if (scope === 'one' || !self.series_id) return [self];
    const rest: Target[] = await m.query(
      `SELECT id, starts_at, ends_at, state FROM class_sessions
        WHERE series_id = $1 AND id <> $2 AND starts_at >= $3 AND state NOT IN ('closed', 'cancelled')
        ORDER BY starts_at, id FOR UPDATE`,
      [self.series_id, id, self.starts_at],
    );
    return [self, ...rest];
  }
}
