// Boots the production build of the API (apps/api/dist) inside this process, on a database of its own: the embedded
// default (PGlite in a temporary DATA_DIR) or, with BENCH_DATABASE_URL (a superuser URL), a new PostgreSQL database
// that is dropped afterwards. Gives the figures scripts direct SQL (for bulk fixtures) and HTTP (for what is timed).
// Needs `pnpm --filter api build` (scripts/bench/run.sh does it).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const API = join(ROOT, 'apps/api');
export const apiRequire = createRequire(join(API, 'package.json'));
const dist = (file) => pathToFileURL(join(API, 'dist', file)).href;

export const PASSWORD = 'bench-password-0123';

/** Where the figures were taken: a loaded machine skews every one of them. */
export const where = (app) =>
  `${app.databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}, load average ${loadavg()[0].toFixed(1)}`;

export async function startApp(env = {}) {
  if (!existsSync(join(API, 'dist/app.factory.js')))
    throw new Error('apps/api/dist is missing: pnpm --filter api build');
  const { loadConfig } = await import(dist('config/app-config.js'));
  const { createApp } = await import(dist('app.factory.js'));
  const { DataSource } = apiRequire('typeorm');
  const pg = apiRequire('pg');

  const serverUrl = process.env.BENCH_DATABASE_URL;
  let databaseUrl = null;
  let dataDir = null;
  const name = `sysponto_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  if (serverUrl) {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'sysponto-bench-app-'));
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    JWT_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    PORT: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const db = app.get(DataSource);
  return {
    app,
    url,
    databaseUrl,
    query: (sql, params) => db.query(sql, params),
    async close() {
      try {
        await app.close();
      } finally {
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        if (databaseUrl) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

/** One argon2id hash of PASSWORD for every user a script inserts (any argon2id hash verifies). */
let hash;
export async function passwordHash() {
  hash ??= await apiRequire('@node-rs/argon2').hash(PASSWORD, {
    algorithm: 2,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  return hash;
}

/** Inserts users of one role in one statement; returns their ids and emails. */
export async function insertUsers(app, role, count, prefix = role) {
  const rows = await app.query(
    `INSERT INTO users (email, full_name, role, password_hash, student_number)
     SELECT $1::text || g || '@bench.test', initcap($1::text) || ' ' || lpad(g::text, 3, '0'), $2::text, $3,
            CASE WHEN $2::text = 'student' THEN upper(left($1::text, 1)) || lpad(g::text, 5, '0') END
       FROM generate_series(1, $4::int) g RETURNING id, email`,
    [prefix, role, await passwordHash(), count],
  );
  return rows.map((r) => ({ id: r.id, email: r.email }));
}

/** A course with its teachers and enrolled students (direct SQL). */
export async function insertCourse(app, { code, teacherIds = [], studentIds = [] }) {
  const [{ id }] = await app.query(
    `INSERT INTO courses (code, name, timezone) VALUES ($1, $1, 'Europe/Lisbon') RETURNING id`,
    [code],
  );
  await app.query(`INSERT INTO course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[])`, [
    id,
    teacherIds,
  ]);
  await app.query(
    `INSERT INTO enrollments (course_id, student_id, enrolled_at) SELECT $1, unnest($2::uuid[]), '2000-01-01'`,
    [id, studentIds],
  );
  return id;
}

/** JSON over HTTP with a bearer token; throws on an unexpected status. */
export async function call(app, method, path, { token, body, expect = [200, 201] } = {}) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return {
    status: res.status,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

/** Access tokens through the login route (argon2 verifies; a few at a time so the hashing pool is not flooded). */
export async function logIn(app, emails, concurrency = 4) {
  const tokens = new Array(emails.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < emails.length) {
        const i = next++;
        const r = await call(app, 'POST', '/api/auth/login', { body: { email: emails[i], password: PASSWORD } });
        tokens[i] = r.body.accessToken;
      }
    }),
  );
  return tokens;
}

/** Median (and min, max) of `times` runs after one warm-up run. */
export async function median(label, run, times = 5) {
  await run();
  const ms = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const m = Math.round(ms[Math.floor(times / 2)]);
  console.log(`${label}: median ${m} ms (min ${Math.round(ms[0])}, max ${Math.round(ms[times - 1])}, ${times} runs)`);
  return m;
}
