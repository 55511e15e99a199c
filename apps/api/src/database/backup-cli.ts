import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { BackupError, defaultBackupName, requestBackup, restoreBackup, writeBackup } from './backup.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

const USAGE =
  'usage: node dist/bin/backup.js backup [file] | restore <file>   (pnpm backup [file], pnpm restore <file>)';

export const POSTGRES_RECIPE = `DATABASE_URL is set: the database is PostgreSQL, back it up with its own tools.
  Back up:   pg_dump --format=custom --file=sysponto.dump "$DATABASE_URL"
             tar -czf sysponto-uploads.tar.gz -C "$DATA_DIR" uploads
  Restore:   createdb sysponto   (an empty database)
             pg_restore --no-owner --dbname="$DATABASE_URL" sysponto.dump
             tar -xzf sysponto-uploads.tar.gz -C "$DATA_DIR"
See README.md (Operations: backup and restore).`;

/**
 * `pnpm backup [file]`: a consistent snapshot of the embedded database and the uploads, taken by the running app
 * through its control socket, or by this process when no app holds DATA_DIR. `pnpm restore <file>`: into an empty
 * DATA_DIR. On PostgreSQL (DATABASE_URL) both print the pg_dump / pg_restore recipe instead.
 */
export async function runBackupCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  out: (line: string) => void = console.log,
): Promise<number> {
  const [command, fileArg] = argv;
  if (!(command === 'backup' || (command === 'restore' && fileArg))) {
    out(USAGE);
    return 2;
  }
  const config = loadConfig(env, { signsTokens: false });
  if (config.databaseUrl) {
    out(POSTGRES_RECIPE);
    return 2;
  }
  if (config.dataDir === ':memory:') {
    out('DATA_DIR=:memory: keeps nothing to back up or restore.');
    return 2;
  }
  if (command === 'restore') {
    const file = resolve(fileArg!);
    const manifest = await restoreBackup(file, config.dataDir);
    out(`Restored ${file} (taken ${manifest.createdAt}, ${manifest.uploads} uploaded file(s)) into ${config.dataDir}.`);
    return 0;
  }
  const file = resolve(fileArg ?? defaultBackupName());
  let result = await requestBackup(config.dataDir, file);
  let by = 'the running app';
  if (!result) {
    if (!existsSync(join(config.dataDir, 'pgdata', 'PG_VERSION')))
      throw new BackupError(`No embedded database in ${config.dataDir} (DATA_DIR): nothing to back up.`);
    // No process holds DATA_DIR: open it here (which also keeps an app from starting on it meanwhile).
    by = 'this process (the app is not running)';
    const embedded = await EmbeddedPostgres.start(config.dataDir, 1);
    try {
      result = await writeBackup(embedded.db, config.dataDir, file);
    } finally {
      await embedded.stop();
    }
  }
  out(`Backup written by ${by}: ${result.file} (${result.bytes} bytes, ${result.uploads} uploaded file(s)).`);
  return 0;
}
