import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { HolidayEntity } from './holiday.entity.js';
import type {
  CancelledOnHolidayDto,
  CreatedHolidayDto,
  CreateHolidayDto,
  HolidayDto,
  HolidayListDto,
  HolidaySessionDto,
} from './holidays.dto.js';
import { HolidayErrors } from './holidays.errors.js';
import { findCancellableSessionsOn, type SessionOnDateRow } from './holidays.queries.js';
import { SessionCancelService } from './session-cancel.service.js';

const toDto = (h: HolidayEntity): HolidayDto => ({
  id: h.id,
  date: h.date,
  name: h.name,
  createdAt: h.createdAt.toISOString(),
});

const toSession = (r: SessionOnDateRow): HolidaySessionDto => ({
  id: r.id,
  courseId: r.course_id,
  courseCode: r.course_code,
  title: r.title,
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  timezone: r.timezone,
});

/**
 * The school calendar's holidays (issue 13). Every new weekly series skips them (`expandWeeklySeries`); a holiday
 * added after sessions were planned on its date lists them, and the admin may cancel them through the usual cancel
 * path (state cancelled with the holiday as the reason, codes revoked, students notified).
 */
@Injectable()
export class HolidaysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cancels: SessionCancelService,
  ) {}

  async list(): Promise<HolidayListDto> {
    const rows = await this.dataSource.getRepository(HolidayEntity).find({ order: { date: 'ASC' } });
    return { items: rows.map(toDto) };
  }

  async create(user: AuthUser, dto: CreateHolidayDto): Promise<CreatedHolidayDto> {
    const holiday = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(HolidayEntity);
      if (await repo.exists({ where: { date: dto.date } })) throw HolidayErrors.duplicateDate();
      const inserted = await repo
        .createQueryBuilder()
        .insert()
        .values({ date: dto.date, name: dto.name, createdBy: user.id })
        .orIgnore()
        .returning('*')
        .execute();
      // A concurrent insert of the same date won the race.
      if (!inserted.raw.length) throw HolidayErrors.duplicateDate();
      const h = await repo.findOneByOrFail({ id: (inserted.raw as { id: string }[])[0]!.id });
      await this.audit.record(m, {
        action: 'holiday.created',
        targetType: 'holiday',
        targetId: h.id,
        summary: { date: h.date, name: h.name },
      });
      return h;
    });
    const sessions = await findCancellableSessionsOn(this.dataSource, holiday.date);
    return { ...toDto(holiday), sessionsOnDate: sessions.map(toSession) };
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(HolidayEntity);
      const h = await repo.findOneBy({ id });
      if (!h) throw HolidayErrors.notFound();
      await repo.delete({ id });
      await this.audit.record(m, {
        action: 'holiday.deleted',
        targetType: 'holiday',
        targetId: id,
        summary: { date: h.date, name: h.name },
      });
    });
  }

  /** GET /api/holidays/:id/sessions: what is still planned on the holiday's date. */
  async sessionsOn(id: string): Promise<HolidaySessionDto[]> {
    const h = await this.dataSource.getRepository(HolidayEntity).findOneBy({ id });
    if (!h) throw HolidayErrors.notFound();
    return (await findCancellableSessionsOn(this.dataSource, h.date)).map(toSession);
  }

  /** POST /api/holidays/:id/cancel-sessions: cancels every session still planned on its date, the holiday as reason. */
  async cancelSessions(user: AuthUser, id: string): Promise<CancelledOnHolidayDto> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const h = await m.getRepository(HolidayEntity).findOneBy({ id });
      if (!h) throw HolidayErrors.notFound();
      const ids = (await findCancellableSessionsOn(m, h.date)).map((s) => s.id);
      return this.cancels.cancelInTransaction(m, ids, user.id, h.name);
    });
    this.cancels.publish(outcome);
    return { cancelled: outcome.rows.length };
  }
}
