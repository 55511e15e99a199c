import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AttendanceDeviceHashEntity } from './attendance-device-hash.entity.js';
import { SessionLocationAnchorEntity } from './session-location-anchor.entity.js';

/**
 * What the integrity checks keep, they keep only as long as docs/privacy.md says: device hashes until
 * DEVICE_HASH_RETENTION_DAYS (30) after their session ended; a room location until its session is closed (closing
 * deletes it at once; this also catches cancelled sessions and ones nobody closed, a day after their end).
 * Idempotent and safe on every replica at once.
 */
@Injectable()
export class PrivacyPurgeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async purge(): Promise<{ deviceHashes: number; anchors: number }> {
    const devices = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AttendanceDeviceHashEntity)
      .where(`session_id IN (SELECT id FROM class_sessions WHERE ends_at < now() - make_interval(days => :days))`, {
        days: this.config.attendance.deviceHashRetentionDays,
      })
      .execute();
    const anchors = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SessionLocationAnchorEntity)
      .where(
        `session_id IN (SELECT id FROM class_sessions WHERE state IN ('closed', 'cancelled') OR ends_at < now() - interval '1 day')`,
      )
      .execute();
    return { deviceHashes: devices.affected ?? 0, anchors: anchors.affected ?? 0 };
  }
}
