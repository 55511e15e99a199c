import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * One migrated database per test run, cloned for every suite: booting PGlite fresh (initdb in WebAssembly) and
 * migrating costs ~7× more CPU than opening a copy of a migrated data dir (figures: docs/testing.md).
 *
 * - Embedded default: the template is a PGlite data dir on disk; a suite gets a copy of it as its DATA_DIR (the
 *   production embedded mode, on disk too). Copying a data dir beat `dumpDataDir`/`loadDataDir` into memory.
 * - TEST_DATABASE_URL (`pnpm test:system`): the template is a PostgreSQL database; a suite gets
 *   `CREATE DATABASE … TEMPLATE` of it.
 *
 * The template is made by booting the real app on it (so exactly the migrations the app runs), in the run folder that
 * global-setup.ts creates and global-teardown.ts removes. The global setup makes it (template.setup.ts, outside any
 * suite's hook timeout); should it be missing, the first suite that asks makes it. Without the run folder (a jest
 * config without the global setup) every suite migrates a fresh database, as before.
 */
export const RUN_DIR_ENV = 'SYSPONTO_TEST_RUN_DIR';

export interface TestDatabase {
  /** Settings for the app: DATA_DIR (embedded) or DATABASE_URL (PostgreSQL). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

type Boot = (env: Record<string, string>) => Promise<{ close(): Promise<void> }>;

const serverUrl = () => process.env.TEST_DATABASE_URL;

function databaseUrl(name: string): string {
  const u = new URL(serverUrl()!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The template database of a run (its name is also written to the run folder, for global-teardown.ts). */
const templateName = (runDir: string) => readFileSync(join(runDir, 'template-database'), 'utf8').trim();

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** Makes the run's template once; concurrent workers wait for the one holding the lock. */
export async function ensureTemplate(runDir: string, boot: Boot): Promise<void> {
  const ready = join(runDir, 'template.ready');
  while (!existsSync(ready)) {
    let lock: number;
    try {
      lock = openSync(join(runDir, 'template.lock'), 'wx');
    } catch {
      await sleep(200);
      continue;
    }
    try {
      let env: Record<string, string>;
      if (serverUrl()) {
        const name = `sysponto_tpl_${randomBytes(6).toString('hex')}`;
        writeFileSync(join(runDir, 'template-database'), name);
        await admin((c) => c.query(`CREATE DATABASE ${name}`));
        env = { DATABASE_URL: databaseUrl(name) };
      } else {
        env = { DATA_DIR: join(runDir, 'template') };
      }
      // The app migrates at boot; closing it stops the embedded server cleanly (a consistent data dir to copy).
      await (await boot(env)).close();
      writeFileSync(ready, new Date().toISOString());
    } finally {
      closeSync(lock);
      rmSync(join(runDir, 'template.lock'), { force: true });
    }
  }
}

/** A migrated, empty database of its own for one suite. `boot` starts the app on the given settings. */
export async function cloneTestDatabase(boot: Boot): Promise<TestDatabase> {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir && existsSync(runDir)) await ensureTemplate(runDir, boot);
  const template = runDir && existsSync(runDir) ? runDir : null;

  if (serverUrl()) {
    const name = `sysponto_test_${randomBytes(6).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${templateName(template)}` : ''}`));
    return {
      env: { DATABASE_URL: databaseUrl(name) },
      drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  }
  const dir = mkdtempSync(join(template ?? tmpdir(), template ? 'suite-' : 'sysponto-test-'));
  if (template) cpSync(join(template, 'template'), dir, { recursive: true });
  return {
    env: { DATA_DIR: dir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
