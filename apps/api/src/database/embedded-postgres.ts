import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { BackupError, ControlServer, dataDirInUse } from './backup.js';

/**
 * PostgreSQL settings of the embedded database. Its shared buffers live in the WebAssembly heap, which never gives
 * memory back, on top of the data files the operating system caches anyway: 32 MB instead of PostgreSQL's 128 MB
 * keeps ~170 MiB less resident once the data has been read (measured with 40 MB of rows: 929 → 778 MiB;
 * docs/performance.md, "Memory of the embedded default").
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=32MB'];

/**
 * The embedded default: PGlite (PostgreSQL in WebAssembly) served over the PostgreSQL wire protocol on a private
 * unix socket, so the app talks to it with the same `pg` driver, TypeORM driver and SQL as to a real server.
 * pglite-socket multiplexes connections and gives an open transaction exclusive use of the single PGlite session
 * (other connections' queries wait), which is what typeorm-pglite failed to do. It also keeps one connection's
 * extended-protocol sequence (Parse … Sync) together: that is our patch of the exact installed version
 * (patches/@electric-sql__pglite-socket@0.2.17.patch, applied by pnpm; docs/pglite-socket-bug.md explains it and
 * test/database.e2e-spec.ts fails without it).
 */
export class EmbeddedPostgres {
  private constructor(
    readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly socketDir: string,
    readonly connections: number,
    private readonly control: ControlServer | null,
  ) {}

  static async start(dataDir: string, connections = 4): Promise<EmbeddedPostgres> {
    let dataPath = 'memory://';
    if (dataDir !== ':memory:') {
      // Two processes on one PGlite data directory corrupt it: refuse while another one holds it.
      const holder = await dataDirInUse(dataDir);
      if (holder !== null)
        throw new BackupError(
          `DATA_DIR ${dataDir} is in use by process ${holder}: stop it first (one process per embedded database).`,
        );
      dataPath = join(dataDir, 'pgdata');
      mkdirSync(dataPath, { recursive: true });
    }
    const db = await PGlite.create(dataPath, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
    // A short path: unix socket paths are limited to ~107 bytes, DATA_DIR may be long.
    const socketDir = mkdtempSync(join(tmpdir(), 'sysponto-pg-'));
    const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: connections });
    server.addEventListener('error', () => undefined);
    await server.start();
    // The control socket `pnpm backup` asks for a consistent snapshot while the app runs (database/backup.ts).
    const control = dataDir === ':memory:' ? null : await ControlServer.start(db, dataDir, socketDir);
    return new EmbeddedPostgres(db, server, socketDir, connections, control);
  }

  async stop(): Promise<void> {
    try {
      await this.control?.stop();
      await this.server.stop();
    } finally {
      try {
        await this.db.close();
      } finally {
        rmSync(this.socketDir, { recursive: true, force: true });
      }
    }
  }
}
