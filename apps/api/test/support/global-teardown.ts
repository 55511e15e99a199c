import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/** Drops the run's PostgreSQL template database, if one was made, and removes the run folder. */
export default async function globalTeardown(): Promise<void> {
  const runDir = process.env.SYSPONTO_TEST_RUN_DIR;
  if (!runDir) return;
  const nameFile = join(runDir, 'template-database');
  if (process.env.TEST_DATABASE_URL && existsSync(nameFile)) {
    const c = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${readFileSync(nameFile, 'utf8').trim()} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  }
  rmSync(runDir, { recursive: true, force: true });
}
