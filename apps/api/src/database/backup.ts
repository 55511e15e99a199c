import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { create as createTar, extract as extractTar, list as listTar } from 'tar';

/**
 * Backup and restore of the embedded default (PGlite under DATA_DIR/pgdata plus the uploads under DATA_DIR/uploads).
 *
 * Consistency: the database snapshot is PGlite's own `dumpDataDir`, which holds PGlite's query lock while it copies
 * the data directory, so no statement runs during the copy. Every committed transaction's WAL is already in the files
 * (PGlite runs with synchronous_commit on; only fsync is off, and the copy reads the same files), so the copy is a
 * crash-consistent image: opening it replays the WAL and yields exactly the transactions committed at that instant
 * (one half-way through, on another connection, is rolled back). The uploads are copied after the snapshot: a file is
 * stored before the row that names it commits and never deleted after, so every file the snapshot refers to is there.
 *
 * While the app runs, only the app may open the data directory: the running process serves a control socket (path in
 * DATA_DIR/control.json) and `pnpm backup` asks it to write the snapshot. A second process on the same DATA_DIR (the
 * app, a migration job, an offline backup) is refused while that socket answers.
 */

export const BACKUP_FORMAT = 'sysponto-backup/1';
const CONTROL_FILE = 'control.json';
const MANIFEST = 'manifest.json';
const PGDATA_TAR = 'pgdata.tar';

export class BackupError extends Error {}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: 'pglite';
  uploads: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  uploads: number;
}

/** Files under a folder (relative paths), leaving out uploads still being written (`*.part`). */
function filesUnder(root: string, rel = ''): string[] {
  if (!existsSync(join(root, rel))) return [];
  const out: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = join(rel, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(root, path));
    else if (entry.isFile() && !entry.name.endsWith('.part')) out.push(path);
  }
  return out;
}

/** Writes a snapshot of the embedded database `db` (open on `dataDir`) and its uploads to `file` (tar.gz). */
export async function writeBackup(db: PGlite, dataDir: string, file: string): Promise<BackupResult> {
  await mkdir(dirname(file), { recursive: true });
  const staging = await mkdtemp(join(dirname(file), '.sysponto-backup-'));
  const partial = `${file}.partial`;
  try {
    const dump = await db.dumpDataDir('none');
    await writeFile(join(staging, PGDATA_TAR), Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    const uploadsRoot = join(dataDir, 'uploads');
    const uploads = filesUnder(uploadsRoot);
    await mkdir(join(staging, 'uploads'), { mode: 0o700 });
    for (const rel of uploads)
      await cp(join(uploadsRoot, rel), join(staging, 'uploads', rel), { preserveTimestamps: true }).catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err; // an aborted upload's file, never referenced
        },
      );
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      database: 'pglite',
      uploads: uploads.length,
    };
    await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await createTar({ gzip: true, file: partial, cwd: staging, portable: true }, [MANIFEST, PGDATA_TAR, 'uploads']);
    await chmod(partial, 0o600); // password hashes and personal data: for the school's operators only
    await rename(partial, file);
    const { size: bytes } = await stat(file);
    return { file, bytes, uploads: uploads.length };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** Restores a backup file into `dataDir`, which must be missing or empty; the app can then boot on it. */
export async function restoreBackup(file: string, dataDir: string): Promise<BackupManifest> {
  if (!existsSync(file)) throw new BackupError(`No such backup file: ${file}`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new BackupError(`DATA_DIR ${dataDir} is not empty: restore only into a new or empty folder.`);
  const entries: string[] = [];
  await listTar({ file, onReadEntry: (e) => void entries.push(e.path) });
  if (!entries.includes(MANIFEST) || !entries.includes(PGDATA_TAR))
    throw new BackupError(`${file} is not a SysPonto backup (no ${MANIFEST} or ${PGDATA_TAR}).`);
  await mkdir(dataDir, { recursive: true });
  try {
    await extractTar({ file, cwd: dataDir, strict: true });
    const manifest = JSON.parse(readFileSync(join(dataDir, MANIFEST), 'utf8')) as BackupManifest;
    if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`Unknown backup format: ${String(manifest.format)}`);
    const pgdata = join(dataDir, 'pgdata');
    await mkdir(pgdata, { recursive: true, mode: 0o700 });
    const db = await PGlite.create({
      dataDir: pgdata,
      loadDataDir: new Blob([readFileSync(join(dataDir, PGDATA_TAR))]),
    });
    try {
      await db.query('SELECT 1'); // the image opens (crash recovery replays its WAL)
    } finally {
      await db.close();
    }
    await mkdir(join(dataDir, 'uploads'), { recursive: true, mode: 0o700 });
    await rm(join(dataDir, PGDATA_TAR));
    await rename(join(dataDir, MANIFEST), join(dataDir, 'restored-from.json'));
    return manifest;
  } catch (err) {
    for (const name of readdirSync(dataDir)) await rm(join(dataDir, name), { recursive: true, force: true });
    throw err;
  }
}

interface ControlInfo {
  pid: number;
  socket: string;
}

function readControl(dataDir: string): ControlInfo | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, CONTROL_FILE), 'utf8')) as ControlInfo;
  } catch {
    return null;
  }
}

/** One request over the running app's control socket; null when no process answers there. */
async function ask(socket: string, request: object, timeoutMs: number): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let buffer = '';
    let connected = false;
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new BackupError('The running app did not answer on its control socket in time.'));
    }, timeoutMs);
    conn.on('connect', () => {
      connected = true;
      conn.write(JSON.stringify(request) + '\n');
    });
    conn.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      conn.end();
      resolve(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected && ['ENOENT', 'ECONNREFUSED'].includes(err.code ?? '')) resolve(null);
      else reject(err);
    });
  });
}

/** Whether a process serves this DATA_DIR's control socket (the app, a migration job, an offline backup). */
export async function dataDirInUse(dataDir: string): Promise<number | null> {
  const info = readControl(dataDir);
  if (!info) return null;
  const answer = await ask(info.socket, { op: 'ping' }, 5000).catch(() => null);
  return answer ? info.pid : null;
}

/**
 * Asks the process holding `dataDir` to write a backup to `file`; null when no process holds it (the caller may then
 * open the data directory itself).
 */
export async function requestBackup(dataDir: string, file: string): Promise<BackupResult | null> {
  const info = readControl(dataDir);
  if (!info) return null;
  const answer = await ask(info.socket, { op: 'backup', file }, 10 * 60_000);
  if (!answer) return null;
  if (answer.ok !== true) throw new BackupError(String(answer.error ?? 'The backup failed'));
  return answer.result as BackupResult;
}

/**
 * The control socket of the process holding an embedded DATA_DIR: answers `ping` and `backup`. Its socket is in a
 * private (0700) temporary folder, so only the app's own user (or root) can reach it.
 */
export class ControlServer {
  private constructor(
    private readonly server: Server,
    private readonly dataDir: string,
  ) {}

  static async start(db: PGlite, dataDir: string, socketDir: string): Promise<ControlServer> {
    const socket = join(socketDir, 'control.sock');
    const server = createServer((conn) => {
      let buffer = '';
      conn.on('error', () => undefined);
      conn.on('data', (chunk) => {
        buffer += chunk.toString('utf8');
        const nl = buffer.indexOf('\n');
        if (nl < 0) {
          if (buffer.length > 64 * 1024) conn.destroy();
          return;
        }
        let req: { op?: string; file?: string };
        try {
          req = JSON.parse(buffer.slice(0, nl)) as typeof req;
        } catch {
          return void conn.end(JSON.stringify({ ok: false, error: 'bad request' }) + '\n');
        }
        buffer = '';
        if (req.op === 'ping') return void conn.end(JSON.stringify({ ok: true, pid: process.pid }) + '\n');
        if (req.op === 'backup' && typeof req.file === 'string' && req.file.startsWith('/')) {
          writeBackup(db, dataDir, req.file).then(
            (result) => conn.end(JSON.stringify({ ok: true, result }) + '\n'),
            (err: unknown) =>
              conn.end(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }) + '\n'),
          );
          return;
        }
        conn.end(JSON.stringify({ ok: false, error: 'unknown request' }) + '\n');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    server.unref();
    const info: ControlInfo = { pid: process.pid, socket };
    await writeFile(join(dataDir, CONTROL_FILE), JSON.stringify(info) + '\n', { mode: 0o600 });
    return new ControlServer(server, dataDir);
  }

  async stop(): Promise<void> {
    const info = readControl(this.dataDir);
    if (info?.pid === process.pid) await rm(join(this.dataDir, CONTROL_FILE), { force: true });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A default backup file name in the current folder. */
export const defaultBackupName = () =>
  `sysponto-backup-${new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z')}.tar.gz`;
