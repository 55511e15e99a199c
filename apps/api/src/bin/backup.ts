import 'reflect-metadata';
import { ConfigError } from '../config/app-config.js';
import { BackupError } from '../database/backup.js';
import { runBackupCli } from '../database/backup-cli.js';

/** `pnpm backup [file]` / `pnpm restore <file>` (database/backup-cli.ts). */
runBackupCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof BackupError ? err.message : err);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
