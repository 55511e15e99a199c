import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The copy of the built SPA the API serves (the service-worker update journey deploys a "new build" there). */
    webDistDir: string;
    /** Every mail the API sends lands here as <n>.eml (a real SMTP server in this process; see support/mail.ts). */
    mailDir: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../../../..');
const API_MAIN = join(ROOT, 'apps/api/dist/main.js');
const WEB_DIST = join(ROOT, 'apps/web/dist');
const WEB_INDEX = join(WEB_DIST, 'index.html');

/** Names, sizes and times of every file under dir: equal before and after a copy = nobody rebuilt it meanwhile. */
function fingerprint(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const f = join(e.parentPath, e.name);
      const st = statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .sort()
    .join('\n');
}

/**
 * Serves a private copy of the built SPA: a `vite build` running meanwhile (another terminal, the dev loop) empties
 * apps/web/dist and renames every chunk, which breaks lazy routes mid-run.
 */
async function snapshotWebDist(into: string): Promise<string> {
  const target = join(into, 'web');
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = fingerprint(WEB_DIST);
    rmSync(target, { recursive: true, force: true });
    cpSync(WEB_DIST, target, { recursive: true });
    if (existsSync(join(target, 'index.html')) && fingerprint(WEB_DIST) === before) return target;
    await new Promise((r) => setTimeout(r, 3000));
  }
  throw new Error('apps/web/dist kept changing while it was copied (a build is running?)');
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 240_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The API exited with ${child.exitCode} before it was healthy:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The API was not healthy within ${timeoutMs} ms:\n${output()}`);
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;
let smtp: SMTPServer | undefined;

/** A real SMTP server on a free port that writes each message it receives into `dir`. */
async function startSmtp(dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        writeFileSync(join(dir, `${String(++n).padStart(5, '0')}.eml`), Buffer.concat(chunks));
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((ok, fail) => {
    smtp!.once('error', fail);
    smtp!.listen(port, '127.0.0.1', () => ok());
  });
  return port;
}

/** Starts the BUILT API (which serves the built SPA) on a free port with a fresh data dir and the demo school. */
export async function setup(project: TestProject): Promise<void> {
  // While writing journeys: reuse a server started by hand (its database then carries earlier runs' changes).
  if (process.env.E2E_BASE_URL) {
    project.provide('baseUrl', process.env.E2E_BASE_URL);
    project.provide('webDistDir', process.env.E2E_WEB_DIST_DIR ?? '');
    project.provide('mailDir', process.env.E2E_MAIL_DIR ?? '');
    return;
  }
  for (const file of [API_MAIN, WEB_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm nx run-many -t build\` first.`);
  }
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'sysponto-e2e-'));
  const webDist = await snapshotWebDist(dataDir);
  const mailDir = join(dataDir, 'mail');
  const smtpPort = await startSmtp(mailDir);
  let log = '';
  child = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      DATA_DIR: join(dataDir, 'data'),
      WEB_DIST_DIR: webDist,
      DATABASE_URL: '',
      REDIS_URL: '',
      SEED_DEMO: 'true',
      // The integrations journey registers a webhook receiver on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_POLL_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (process.env.E2E_API_LOG) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitForHealth(baseUrl, child, () => log);
  // Warm up the static files and the login route so the first page load is not timed against a cold process.
  await fetch(`${baseUrl}/login`).then((r) => r.text());
  await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'sysponto-demo' }),
  }).then((r) => r.text());
  project.provide('baseUrl', baseUrl);
  project.provide('webDistDir', webDist);
  project.provide('mailDir', mailDir);
}

export async function teardown(): Promise<void> {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
