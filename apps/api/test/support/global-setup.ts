import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder for this run's template database (test-database.ts); the suites inherit its path through the
 * environment. (Jest loads this file outside its module mapper: node modules only, no relative imports.)
 */
export default function globalSetup(): void {
  process.env.SYSPONTO_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'sysponto-test-run-'));
}
