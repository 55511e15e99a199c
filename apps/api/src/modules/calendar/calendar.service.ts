import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import icalTimezones from '@touch4it/ical-timezones';
import { UserRole } from '@sysponto/contracts';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
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

interface FeedRow {
  seed: string;
  token_hash: string;
  created_at: Date;
}

interface SessionRow {
  id: string;
  title: string | null;
  room: string | null;
  starts_at: Date;
  ends_at: Date;
  state: string;
  updated_at: Date;
  code: string;
  name: string;
  timezone: string;
}

/**
 * Private iCalendar feeds. The URL token is HMAC-SHA256(server secret, user id + random seed): the database keeps the
 * seed and the token's SHA-256 only, so the URL can be shown again without storing it, and a copy of the database does
 * not reveal it. Regenerating replaces the seed, so the old URL answers 404 at once.
 */
@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    await this.dataSource.query(
      `INSERT INTO calendar_feeds (user_id, seed, token_hash) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
      [userId, seed, sha256(this.token(userId, seed))],
    );
    const [row]: FeedRow[] = await this.dataSource.query(
      `SELECT seed, token_hash, created_at FROM calendar_feeds WHERE user_id = $1`,
      [userId],
    );
    const token = this.token(userId, row.seed);
    const hash = sha256(token);
    // The server secret changed since the feed was made: re-point the stored hash at the URL we now hand out.
    if (hash !== row.token_hash.trim())
      await this.dataSource.query(`UPDATE calendar_feeds SET token_hash = $2 WHERE user_id = $1`, [userId, hash]);
    return this.toDto(token, row.created_at);
  }

  /** A new feed URL; the previous one stops working. */
  async regenerate(userId: string): Promise<CalendarFeedDto> {
    const seed = randomBytes(16).toString('base64url');
    const token = this.token(userId, seed);
    const [row]: { created_at: Date }[] = await this.dataSource.query(
      `INSERT INTO calendar_feeds (user_id, seed, token_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET seed = EXCLUDED.seed, token_hash = EXCLUDED.token_hash, created_at = now()
       RETURNING created_at`,
      [userId, seed, sha256(token)],
    );
    return this.toDto(token, row.created_at);
  }

  /** The .ics body for a feed token; unknown, replaced or deactivated → 404. Two queries, no writes. */
  async render(token: string): Promise<string> {
    if (!TOKEN_PATTERN.test(token)) throw CalendarErrors.feedNotFound();
    const [owner]: { id: string; role: UserRole; full_name: string }[] = await this.dataSource.query(
      `SELECT u.id, u.role, u.full_name FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = $1 AND u.active`,
      [sha256(token)],
    );
    if (!owner) throw CalendarErrors.feedNotFound();
    const membership =
      owner.role === UserRole.Student
        ? `SELECT course_id FROM enrollments WHERE student_id = $1 AND ended_at IS NULL`
        : owner.role === UserRole.Teacher
          ? `SELECT course_id FROM course_teachers WHERE teacher_id = $1`
          : null;
    const sessions: SessionRow[] = membership
      ? await this.dataSource.query(
          `SELECT s.id, s.title, s.room, s.starts_at, s.ends_at, s.state, s.updated_at, c.code, c.name, c.timezone
             FROM class_sessions s JOIN courses c ON c.id = s.course_id
            WHERE s.course_id IN (${membership})
              AND s.starts_at >= now() - make_interval(days => $2) AND s.starts_at < now() + make_interval(days => $3)
            ORDER BY s.starts_at LIMIT $4`,
          [owner.id, FEED_PAST_DAYS, FEED_FUTURE_DAYS, FEED_MAX_EVENTS],
        )
      : [];

    const cal = ical({
      name: `SysPonto — ${owner.full_name}`,
      description: 'Class sessions from SysPonto',
      prodId: { company: 'SysPonto', product: 'Calendar feed', language: 'EN' },
      ttl: 60 * 60,
    });
    cal.timezone({ name: null, generator: vtimezone });
    for (const s of sessions) {
      const zone = s.timezone;
      cal.createEvent({
        id: s.id,
        // Luxon dates carry the zone, so times are written as local wall time with the course's TZID.
        start: DateTime.fromJSDate(new Date(s.starts_at)).setZone(zone),
        end: DateTime.fromJSDate(new Date(s.ends_at)).setZone(zone),
        timezone: zone,
        summary: s.title ? `${s.code} — ${s.name} (${s.title})` : `${s.code} — ${s.name}`,
        location: s.room || null,
        lastModified: new Date(s.updated_at),
      });
    }
    return cal.toString();
  }
}
