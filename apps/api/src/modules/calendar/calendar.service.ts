import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import icalTimezones from '@touch4it/ical-timezones';
import { UserRole } from '@sysponto/contracts';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CourseTeacherEntity, EnrollmentEntity } from '../courses/course.entity.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { CalendarFeedEntity } from './calendar-feed.entity.js';
import type { CalendarFeedDto } from './calendar.dto.js';
import { CalendarErrors } from './calendar.errors.js';

/** Feed window around today: past sessions stay visible for two months, the next half year is planned. */
export const FEED_PAST_DAYS = 60;
export const FEED_FUTURE_DAYS = 180;
/** Hard cap so a feed stays cheap to build whatever the timetable. */
const FEED_MAX_EVENTS = 2000;
/** A token is 32 bytes of HMAC output, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const vtimezones = new Map<string, string | null>();
/** VTIMEZONE blocks come from a bundled tz database; cached because each lookup reads a file. */
function vtimezone(tz: string): string | null {
  if (!vtimezones.has(tz)) vtimezones.set(tz, icalTimezones.getVtimezoneComponent(tz));
  return vtimezones.get(tz) ?? null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Private iCalendar feeds. The URL token is HMAC-SHA256(server secret, user id + random seed): the database keeps the
 * seed and the token's SHA-256 only, so the URL can be shown again without storing it, and a copy of the database does
 * not reveal it. Regenerating replaces the seed, so the old URL answers 404 at once.
 */
@Injectable()
export class CalendarService {
  constructor(
    @InjectRepository(CalendarFeedEntity) private readonly feeds: Repository<CalendarFeedEntity>,
    @InjectRepository(ClassSessionEntity) private readonly sessions: Repository<ClassSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private token(userId: string, seed: string): string {
    return createHmac('sha256', this.config.jwtKey).update(`calendar-feed:${userId}:${seed}`).digest('base64url');
  }

  private toDto(token: string, createdAt: Date): CalendarFeedDto {
    return { url: `${this.config.publicUrl}/api/calendar/${token}.ics`, createdAt: new Date(createdAt).toISOString() };
  }

  /** My feed URL; the first call creates it. */
  async getFeed(userId: string): Promise<CalendarFeedDto> {
    const seed = randomBytes(16).toString('base64url');
    // Race-safe first use: two concurrent calls both end with the one stored seed.
    await this.feeds
      .createQueryBuilder()
      .insert()
      .values({ userId, seed, tokenHash: sha256(this.token(userId, seed)) })
      .orIgnore()
      .execute();
    const feed = await this.feeds.findOneByOrFail({ userId });
    const token = this.token(userId, feed.seed);
    const hash = sha256(token);
    // The server secret changed since the feed was made: re-point the stored hash at the URL we now hand out.
    if (hash !== feed.tokenHash.trim()) await this.feeds.update({ userId }, { tokenHash: hash });
    return this.toDto(token, feed.createdAt);
  }

  /** A new feed URL; the previous one stops working. */
  async regenerate(userId: string): Promise<CalendarFeedDto> {
    const seed = randomBytes(16).toString('base64url');
    const token = this.token(userId, seed);
    const result = await this.feeds
      .createQueryBuilder()
      .insert()
      .values({ userId, seed, tokenHash: sha256(token), createdAt: () => 'now()' })
      .orUpdate(['seed', 'token_hash', 'created_at'], ['user_id'])
      .returning(['created_at'])
      .execute();
    const { createdAt } = result.generatedMaps[0] as Pick<CalendarFeedEntity, 'createdAt'>;
    return this.toDto(token, createdAt);
  }

  /** The .ics body for a feed token; unknown, replaced or deactivated → 404. Two queries, no writes. */
  async render(token: string): Promise<string> {
    if (!TOKEN_PATTERN.test(token)) throw CalendarErrors.feedNotFound();
    const feed = await this.feeds
      .createQueryBuilder('f')
      .innerJoin('f.user', 'u')
      .select(['f.userId', 'u.id', 'u.role', 'u.fullName'])
      .where('f.tokenHash = :hash AND u.active', { hash: sha256(token) })
      .getOne();
    const owner = feed?.user;
    if (!owner) throw CalendarErrors.feedNotFound();
    const membership =
      owner.role === UserRole.Student
        ? this.sessions.manager
            .createQueryBuilder(EnrollmentEntity, 'e')
            .select('e.courseId')
            .where('e.studentId = :owner AND e.endedAt IS NULL')
        : owner.role === UserRole.Teacher
          ? this.sessions.manager
              .createQueryBuilder(CourseTeacherEntity, 't')
              .select('t.courseId')
              .where('t.teacherId = :owner')
          : null;
    const sessions = membership
      ? await this.sessions
          .createQueryBuilder('s')
          .innerJoin('s.course', 'c')
          .select(['s.id', 's.title', 's.room', 's.startsAt', 's.endsAt', 's.state', 's.updatedAt'])
          .addSelect(['c.id', 'c.code', 'c.name', 'c.timezone'])
          .where(`s.courseId IN (${membership.getQuery()})`, { owner: owner.id })
          .andWhere('s.startsAt >= now() - make_interval(days => :past)', { past: FEED_PAST_DAYS })
          .andWhere('s.startsAt < now() + make_interval(days => :future)', { future: FEED_FUTURE_DAYS })
          .orderBy('s.startsAt')
          .limit(FEED_MAX_EVENTS)
          .getMany()
      : [];

    const cal = ical({
      name: `SysPonto — ${owner.fullName}`,
      description: 'Class sessions from SysPonto',
      prodId: { company: 'SysPonto', product: 'Calendar feed', language: 'EN' },
      ttl: 60 * 60,
    });
    cal.timezone({ name: null, generator: vtimezone });
    for (const s of sessions) {
      const { code, name, timezone: zone } = s.course!;
      cal.createEvent({
        id: s.id,
        // Luxon dates carry the zone, so times are written as local wall time with the course's TZID.
        start: DateTime.fromJSDate(s.startsAt).setZone(zone),
        end: DateTime.fromJSDate(s.endsAt).setZone(zone),
        timezone: zone,
        summary: s.title ? `${code} — ${name} (${s.title})` : `${code} — ${name}`,
        location: s.room || null,
        lastModified: s.updatedAt,
      });
    }
    return cal.toString();
  }
}
