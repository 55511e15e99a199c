import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../../common/core.module.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AttendanceClock } from './attendance-clock.js';
import { type ActiveCodeRow, AttendanceCodesService } from './attendance-codes.service.js';
import { slotOf } from './attendance-codes.js';
import { ATTENDANCE_CONFIG, type AttendanceConfig } from './attendance.config.js';
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
  private tickTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private closing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ATTENDANCE_CONFIG) private readonly config: AttendanceConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly clock: AttendanceClock,
    private readonly realtime: RealtimeService,
    private readonly codes: AttendanceCodesService,
    private readonly closer: SessionCloseService,
  ) {}

  onApplicationBootstrap() {
    if (this.config.autoCloseIntervalSeconds > 0) {
      this.autoCloseTimer = setInterval(() => void this.autoClose(), this.config.autoCloseIntervalSeconds * 1000);
      this.autoCloseTimer.unref();
      setTimeout(() => void this.autoClose(), 2000).unref();
    }
    this.scheduleTick();
  }

  onApplicationShutdown() {
    this.stopped = true;
    if (this.autoCloseTimer) clearInterval(this.autoCloseTimer);
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

  /** Pushes the current code of every active rotating code (also callable directly). */
  async pushRotations(): Promise<number> {
    const rows: ActiveCodeRow[] = await this.dataSource.query(
      `SELECT ac.id, ac.session_id, ac.mode, ac.code, ac.key_inner, ac.key_outer, ac.slot_seconds, ac.expires_at
         FROM attendance_codes ac JOIN class_sessions s ON s.id = ac.session_id
        WHERE ac.mode = 'rotating' AND ac.revoked_at IS NULL AND ac.expires_at > now() AND s.state <> 'closed'`,
    );
    if (rows.length === 0) return 0;
    if (!(await this.winsSlot())) return 0;
    for (const row of rows)
      this.realtime.toSession(
        row.session_id,
        ServerEvent.CodeRotated,
        this.codes.rotatedPayload(this.codes.toDto(row)),
      );
    return rows.length;
  }

  private async winsSlot(): Promise<boolean> {
    if (!this.redis) return true;
    try {
      const slot = slotOf(this.clock.now(), this.config.rotatingSlotSeconds);
      return (
        (await this.redis.set(`code-rotated:${slot}`, '1', 'EX', this.config.rotatingSlotSeconds * 3, 'NX')) === 'OK'
      );
    } catch {
      return true;
    }
  }

  private scheduleTick() {
    if (this.stopped) return;
    const period = this.config.rotatingSlotSeconds * 1000;
    // Just after the boundary, so every replica's clock agrees on the new slot.
    const delay = period - (this.clock.now() % period) + 100;
    this.tickTimer = setTimeout(() => {
      this.pushRotations()
        .catch((err: Error) => this.logger.warn(`Rotation push failed: ${err.message}`))
        .finally(() => this.scheduleTick());
    }, delay);
    this.tickTimer.unref();
  }
}
