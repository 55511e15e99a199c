import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The production topology on loopback ports, for the cluster tests: N API replicas (`node dist/main.js`,
 * NODE_ENV=production) on one fresh PostgreSQL database and a Redis of their own, Debian's nginx in front.
 * Needs TEST_DATABASE_URL (a superuser URL; `pnpm test:system` starts one) and a built API (`pnpm --filter api build`).
 */
export const API_DIR = resolve(__dirname, '../../..');
export const MAIN_JS = join(API_DIR, 'dist/main.js');
export const JWT_SECRET = 'cluster-test-' + randomBytes(24).toString('hex');
/** Key nginx hashes on for sticky routing; set by nginx on a client's first response when absent. */
export const ROUTE_COOKIE = 'sp_route';

export const systemEnabled = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/** A throwaway scratch folder that unprivileged nginx workers can traverse. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export interface TestDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A new database on the TEST_DATABASE_URL server, with a client for assertions. */
export async function createDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const name = `sysponto_cluster_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  return {
    url,
    query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    async drop() {
      await client.end().catch(() => undefined);
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A Redis server owned by the test, so it can be stopped and restarted on the same port. */
export class TestRedis {
  private proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    this.proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--maxclients',
        '10000',
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor('redis', async () => {
      try {
        return (
          execFileSync('redis-cli', ['-p', String(this.port), 'ping'], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          }).trim() === 'PONG'
        );
      } catch {
        return false;
      }
    });
  }

  async stop() {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}

export interface Replica {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node dist/main.js` in production mode; resolves once /api/health answers 200. */
export async function startReplica(opts: {
  name: string;
  databaseUrl: string;
  redisUrl: string;
  dir: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<Replica> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`pnpm --filter api build\` first`);
  const port = opts.port ?? (await freePort());
  const logFile = join(opts.dir, `${opts.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, [MAIN_JS], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      JWT_SECRET,
      // Tests mint tokens for up to an hour (mintToken).
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      // nginx on loopback is the only proxy: believe its X-Forwarded-For.
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: join(opts.dir, `${opts.name}-data`),
      DATABASE_POOL_SIZE: '10',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const exitedEarly = exited.then(() => {
    throw new Error(`${opts.name} exited:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  });
  const healthy = waitFor(
    `${opts.name} to be healthy`,
    async () => (await fetch(`${url}/api/health`).catch(() => null))?.status === 200,
    90_000,
    200,
  );
  try {
    await Promise.race([healthy, exitedEarly]);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  } finally {
    exitedEarly.catch(() => undefined);
    healthy.catch(() => undefined);
  }
  return {
    name: opts.name,
    port,
    url,
    proc,
    logFile,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}

/**
 * The nginx configuration of the cluster (the same routing as docker/nginx.conf): sticky by a route cookie that
 * nginx itself hands out (so a whole lecture hall behind one NAT address still spreads over the replicas, unlike
 * ip_hash), WebSocket upgrade, client address forwarded. `X-Upstream` tells the tests which replica answered.
 */
export function nginxConfig(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const servers = upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=3s;`).join('\n');
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-tmp/body;
  proxy_temp_path ${dir}/nginx-tmp/proxy;
  fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
  scgi_temp_path ${dir}/nginx-tmp/scgi;

  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  map $cookie_${ROUTE_COOKIE} $route_key { '' $request_id; default $cookie_${ROUTE_COOKIE}; }
  map $cookie_${ROUTE_COOKIE} $route_set_cookie { '' '${ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax'; default ''; }

  upstream api {
    hash $route_key consistent;
${servers}
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${listenPort};
    client_max_body_size 6m;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 75s;
      add_header Set-Cookie $route_set_cookie;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

export interface Nginx {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startNginx(dir: string, upstreamPorts: number[]): Promise<Nginx> {
  const port = await freePort();
  mkdirSync(join(dir, 'nginx-tmp'), { recursive: true });
  chmodSync(join(dir, 'nginx-tmp'), 0o777);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, upstreamPorts));
  const args = ['-p', dir, '-e', join(dir, 'nginx-error.log'), '-c', conf];
  execFileSync('nginx', [...args, '-t', '-q'], { stdio: 'inherit' });
  const proc = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((r) => proc.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('nginx', async () => (await fetch(`${url}/api/health`).catch(() => null)) !== null, 10_000);
  return {
    url,
    port,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary (as the `postgres` user when we are root, as initdb and the postmaster require). */
function pgExec(bin: string, args: string[], timeoutMs = 60_000): string {
  const cmd = [join(PG_BIN, bin), ...args];
  return asRoot
    ? execFileSync(
        'su',
        ['postgres', '-s', '/bin/sh', '-c', cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')],
        {
          encoding: 'utf8',
          timeout: timeoutMs,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
    : execFileSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A PostgreSQL 15 cluster owned by one test (the fault tests restart and kill it), in a folder of its own on a free
 * loopback port: the run's shared server (`scripts/services.sh`) is never touched, whatever happens to this one.
 * Durable like production for process crashes: `synchronous_commit` on (an acknowledged commit is in the WAL the
 * kernel holds); only `fsync` is off, which matters for a machine crash, not a killed postmaster.
 */
export class TestPostgres {
  readonly dataDir: string;
  readonly url: string;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = join(dir, 'pgdata');
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(dir: string): Promise<TestPostgres> {
    const pg = new TestPostgres(dir, await freePort());
    mkdirSync(pg.dataDir, { mode: 0o700 });
    if (asRoot) execFileSync('chown', ['postgres:postgres', pg.dataDir]);
    pgExec('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${pg.port}`,
      `unix_socket_directories = '${pg.dataDir}'`,
      'max_connections = 100',
      'fsync = off',
      'synchronous_commit = on',
      'shared_buffers = 64MB',
      'log_min_messages = warning',
    ];
    writeFileSync(join(pg.dataDir, 'postgresql.conf'), conf.join('\n') + '\n', { flag: 'a' });
    await pg.start();
    return pg;
  }

  /** Starts the postmaster; resolves once it accepts connections (crash recovery included). */
  async start(): Promise<void> {
    // After a kill -9 the old backends take a moment to notice and exit; until then the postmaster refuses to start.
    await waitFor(
      'PostgreSQL to start',
      async () => {
        pgExec('pg_ctl', ['-D', this.dataDir, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '30', 'start']);
        return true;
      },
      60_000,
      200,
    );
  }

  /** `pg_ctl restart -m fast`: sessions are terminated, in-flight transactions rolled back. */
  async restartFast(): Promise<void> {
    pgExec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dataDir, 'server.log'),
      '-m',
      'fast',
      '-w',
      '-t',
      '30',
      'restart',
    ]);
  }

  postmasterPid(): number {
    return Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** `kill -9` of the postmaster (no shutdown at all); `start()` then runs crash recovery. */
  kill9(): number {
    const pid = this.postmasterPid();
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** Stops it whatever its state (immediate mode, then the pid) and removes nothing: the caller removes `dir`. */
  async stop(): Promise<void> {
    try {
      pgExec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '20', 'stop']);
    } catch {
      try {
        process.kill(this.postmasterPid(), 'SIGKILL');
      } catch {
        /* not running */
      }
    }
  }
}
