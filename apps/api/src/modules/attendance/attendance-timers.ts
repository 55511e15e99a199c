import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../../common/core.module.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AttendanceClock } from './attendance-clock.js';
import { AttendanceCodesService } from './attendance-codes.service.js';
import { type ActiveCode, findActiveRotatingCodes } from './attendance-codes.queries.js';
import { slotOf } from './attendance-codes.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrivacyPurgeService } from './privacy-purge.service.js';
import { SessionCloseService } from './session-close.service.js';

/**
 * Background work of every replica: the auto-close scheduler (idempotent, see SessionCloseService) and the rotation
 * ticker that pushes `code.rotated` to each session room with a rotating code at every slot boundary. With Redis, one
 * replica wins each slot (SET NX) so clients get one push; without Redis (one process) or while Redis is down, every
 * replica pushes, and the duplicates carry the same code.
 */
@Injectable()
export class AttendanceTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AttendanceTimers');
  private autoCloseTimer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private closing = false;
  /** The slot each interval of the active rotating codes was in at the last tick. */
  private lastSlots = new Map<number, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly clock: AttendanceClock,
    private readonly realtime: RealtimeService,
    private readonly codes: AttendanceCodesService,
    private readonly closer: SessionCloseService,
    private readonly privacy: PrivacyPurgeService,
  ) {}

  onApplicationBootstrap() {
    if (this.config.attendance.autoCloseIntervalSeconds > 0) {
      this.autoCloseTimer = setInterval(
        () => void this.autoClose(),
        this.config.attendance.autoCloseIntervalSeconds * 1000,
      );
      this.autoCloseTimer.unref();
      setTimeout(() => void this.autoClose(), 2000).unref();
    }
    if (this.config.attendance.privacyPurgeIntervalSeconds > 0) {
      this.purgeTimer = setInterval(
        () => void this.purgePrivacy(),
        this.config.attendance.privacyPurgeIntervalSeconds * 1000,
      );
      this.purgeTimer.unref();
      setTimeout(() => void this.purgePrivacy(), 5000).unref();
    }
    this.scheduleTick();
  }

  async purgePrivacy(): Promise<void> {
    if (this.stopped) return;
    try {
      const { deviceHashes, anchors } = await this.privacy.purge();
      if (deviceHashes || anchors)
        this.logger.log(`Privacy purge: ${deviceHashes} device hash(es), ${anchors} room location(s) deleted`);
    } catch (err) {
      this.logger.warn(`Privacy purge failed (will retry): ${(err as Error).message}`);
    }
  }

  onApplicationShutdown() {
    this.stopped = true;
    if (this.autoCloseTimer) clearInterval(this.autoCloseTimer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    if (this.tickTimer) clearTimeout(this.tickTimer);
  }

  async autoClose(): Promise<number> {
    if (this.closing || this.stopped) return 0;
    this.closing = true;
    try {
      const n = await this.closer.closeEndedSessions();
      if (n) this.logger.log(`Closed ${n} ended session(s)`);
      return n;
    } catch (err) {
      this.logger.warn(`Auto-close failed (will retry): ${(err as Error).message}`);
      return 0;
    } finally {
      this.closing = false;
    }
  }

  /**
   * Pushes the current code of the active rotating codes: all of them, or (`dueOnly`, the ticker) those whose interval
   * has entered a new slot since the last tick. Each course has its own interval (5–60 s), so the ticker runs every
   * second while any rotating code is active (one indexed query), and every 5 s otherwise to notice new ones.
   */
  async pushRotations(dueOnly = false): Promise<number> {
    const rows = await findActiveRotatingCodes(this.dataSource.manager);
    const now = this.clock.now();
    const byInterval = new Map<number, ActiveCode[]>();
    for (const row of rows) {
      const interval = row.slotSeconds ?? 0;
      if (interval > 0) byInterval.set(interval, [...(byInterval.get(interval) ?? []), row]);
    }
    let pushed = 0;
    const seen = new Map<number, number>();
    for (const [interval, due] of byInterval) {
      const slot = slotOf(now, interval);
      seen.set(interval, slot);
      const last = this.lastSlots.get(interval);
      // First sight of an interval: its code was pushed when it was generated.
      if (dueOnly && (last === undefined || last === slot)) continue;
      if (!(await this.winsSlot(interval, slot))) continue;
      for (const row of due) {
        this.realtime.toSession(
          row.sessionId,
          ServerEvent.CodeRotated,
          this.codes.rotatedPayload(this.codes.toDto(row)),
        );
        pushed++;
      }
    }
    this.lastSlots = seen;
    return pushed;
  }

  private async winsSlot(interval: number, slot: number): Promise<boolean> {
    if (!this.redis) return true;
    try {
      return (await this.redis.set(`code-rotated:${interval}:${slot}`, '1', 'EX', interval * 3, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  private scheduleTick() {
    if (this.stopped) return;
    // Just after each second's boundary, so every replica's clock agrees on the new slot.
    const delay = 1000 - (this.clock.now() % 1000) + 100;
    this.tickTimer = setTimeout(() => {
      const second = Math.floor(this.clock.now() / 1000);
      const work = this.lastSlots.size > 0 || second % 5 === 0 ? this.pushRotations(true) : Promise.resolve(0);
      work
        .catch((err: Error) => this.logger.warn(`Rotation push failed: ${err.message}`))
        .finally(() => this.scheduleTick());
    }, delay);
    this.tickTimer.unref();
  }
}
