import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder for this run's template database (test-database.ts), made here by a small jest run of
 * template.setup.ts — the app needs jest's transform, which a global setup does not get — so that no suite's hook
 * timeout covers it. The suites inherit the folder's path through the environment. (Jest loads this file outside its
 * module mapper: node modules only, no relative imports.)
 */
export default function globalSetup(): void {
  const runDir = mkdtempSync(join(runParent(), 'sysponto-test-run-'));
  process.env.SYSPONTO_TEST_RUN_DIR = runDir;
  const apiDir = join(__dirname, '../..');
  const made = spawnSync(
    process.execPath,
    [join(apiDir, 'node_modules/jest/bin/jest.js'), '-c', join(apiDir, 'jest.template.config.cjs'), '--silent'],
    { cwd: apiDir, env: process.env, encoding: 'utf8' },
  );
  if (made.status !== 0)
    throw new Error(`the template database could not be made:\n${made.stdout ?? ''}${made.stderr ?? ''}`);
}

/**
 * Where the run folder goes: SYSPONTO_TEST_TMP if set, else /dev/shm when it is a writable memory file system (Linux),
 * else the system temp folder. Every suite copies the template data dir there, writes to it and removes it: on a disk
 * that is I/O the tests wait for (and that other work on the machine slows); in memory it is not (docs/testing.md).
 */
function runParent(): string {
  if (process.env.SYSPONTO_TEST_TMP) return process.env.SYSPONTO_TEST_TMP;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
