import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

/**
 * The check-in function gains the integrity checks of issue 16 (see functions/attendance_check_in.sql): the rotating
 * grace of each code, the in-room verdict and its flags, and the per-session device hash with `shared-device` flags.
 * Its arguments change (the device key halves and the location replace p_grace), so the old signature is dropped.
 */
export class IntegrityCheckIn1796164662127 implements MigrationInterface {
  name = 'IntegrityCheckIn1796164662127';

  async up(q: QueryRunner): Promise<void> {
    await applySqlFunction(q, 'attendance_distance_m', '258c21433bfd');
    await applySqlFunction(q, 'attendance_location_verdict', 'f332fa1ad5fc');
    await applySqlFunction(q, 'attendance_location_flags', 'deeaa1140ede');
    await q.query(`DROP FUNCTION IF EXISTS attendance_check_in(uuid, varchar, varchar, float8, float8)`);
    await applySqlFunction(q, 'attendance_check_in', '724459ffb3bb');
  }

  async down(): Promise<void> {
    // The previous body is in git history (and in migration SqlFunctionFiles' version of the file).
  }
}
