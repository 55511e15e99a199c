import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

/**
 * The SQL functions now live in readable files under database/functions/ (see its README.md): the check-in window
 * becomes one definition (session_checkin_opens_at, session_checkin_open) and the check-in function uses it.
 */
export class SqlFunctionFiles1796156606058 implements MigrationInterface {
  name = 'SqlFunctionFiles1796156606058';

  async up(q: QueryRunner): Promise<void> {
    await applySqlFunction(q, 'session_checkin_opens_at', '353bbbab04b3');
    await applySqlFunction(q, 'session_checkin_open', '6513e681cf92');
    await applySqlFunction(q, 'attendance_rotating_code', 'e22483f99998');
    await applySqlFunction(q, 'attendance_check_in', '7c05f42892a9');
  }

  async down(): Promise<void> {
    // The previous bodies are those of migrations AttendanceCodes and AttendanceCheckIn, which only read columns, so
    // the versions above keep working after a revert; the two window functions stay for the same reason.
  }
}
