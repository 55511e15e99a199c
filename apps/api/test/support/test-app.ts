import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { buildOpenApi, createApp } from '../../src/app.factory.js';
import { REDIS } from '../../src/common/core.module.js';
import { AccessTokenService } from '../../src/modules/auth/access-tokens.service.js';
import { PasswordService } from '../../src/modules/auth/password.service.js';
import { type OpenApiDocument, ResponseValidator, type Violation } from './openapi-validator.js';
import { cloneTestDatabase } from './test-database.js';

export const PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  dataSource: DataSource;
  /** Base URL when started with listen: true (sockets). */
  url: string;
  /** Stops the app and boots it again on the same database (a restart); returns the new app. */
  reopen(): Promise<TestApp>;
  close(): Promise<void>;
}

/** The settings every test app starts with; `env` adds or overrides. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });
}

interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  payload: string | undefined;
}

/** One validator per served document (the same for every app of a run, so built once). */
const validators = new Map<string, ResponseValidator>();

/**
 * Every response of a test app, checked against the app's served OpenAPI document when the app closes
 * (support/openapi-validator.ts): a response with an undocumented status or a body off its schema fails the suite.
 * `OPENAPI_RESPONSES=off` turns the check off (a quick local run).
 */
function recordResponses(app: NestFastifyApplication) {
  const recorded: Recorded[] = [];
  if (process.env.OPENAPI_RESPONSES === 'off') return async () => [] as Violation[];
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply, payload) => {
    const type = reply.getHeader('content-type');
    recorded.push({
      method: req.method,
      path: req.routeOptions?.url ?? req.url,
      status: reply.statusCode,
      contentType: typeof type === 'string' ? type : undefined,
      payload: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined,
    });
    return payload;
  });
  return async (): Promise<Violation[]> => {
    // What /api/docs-json serves (light-my-request's inject cannot load under jest's CommonJS transform).
    const served = JSON.stringify(buildOpenApi(app));
    let validator = validators.get(served);
    if (!validator) {
      validator = new ResponseValidator(JSON.parse(served) as OpenApiDocument);
      validators.set(served, validator);
    }
    const found = new Map<string, Violation>();
    for (const r of recorded.splice(0)) {
      if (r.path === '/api/docs-json') continue;
      let body: unknown = r.payload;
      if (r.payload && /json/.test(r.contentType ?? ''))
        try {
          body = JSON.parse(r.payload);
        } catch {
          /* validated as the string it is */
        }
      for (const v of validator.check(r.method, r.path, r.status, r.contentType, body))
        found.set(`${v.operation} ${v.status} ${v.problem}`, v);
    }
    return [...found.values()];
  };
}

async function boot(config: AppConfig, listen: boolean) {
  const app = await createApp(config, { logger: false });
  try {
    const responseViolations = recordResponses(app);
    let url = '';
    if (listen) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    } else {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
    await clearRateLimits(app);
    return { app, url, responseViolations };
  } catch (err) {
    // A half-booted app (init failed, or the port or Redis did not answer) would keep its database, Redis clients and
    // background loops: closed here, so a failed boot fails the suite and leaves nothing running.
    await app.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The test apps of this test file that are booting or open. A suite whose beforeAll timed out (a loaded machine) has
 * no app to close in its afterAll, yet the boot goes on: the file's last hook waits for such boots and closes every
 * app still open, so no suite leaves an app running (its loops, Redis clients and database) for jest to wait on.
 */
const starting = new Set<Promise<unknown>>();
const open = new Set<TestApp>();
afterAll(async () => {
  await Promise.allSettled([...starting]);
  for (const t of [...open]) await t.close().catch(() => undefined);
});

/**
 * On the shared test Redis (`pnpm test:system`) the rate-limit counters outlive an app: every request of a run comes
 * from 127.0.0.1, so one suite's logins or reset requests would count against the next. Each test app starts with
 * fresh limits, as it does on the embedded default (a process's memory).
 */
async function clearRateLimits(app: NestFastifyApplication) {
  const redis = app.get<Redis | null>(REDIS, { strict: false });
  if (!redis) return;
  // The client queues nothing offline (core.module): wait until it is connected.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'rl:*', 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Boots the app on the given database settings (it migrates them) without listening: how templates are made. */
export const bootOnly = async (env: Record<string, string>) =>
  // No Redis: a template needs only the migrations (and the socket adapter's blocking reads outlive a quick close).
  (await boot(testConfig({ REDIS_URL: '', ...env }), false)).app;

/**
 * Boots the real app on a database of its own: a copy of the run's migrated template — embedded PGlite by default,
 * or a database on the TEST_DATABASE_URL server (`pnpm test:system`) — removed by close().
 */
export function createTestApp(env: Record<string, string> = {}, opts: { listen?: boolean } = {}): Promise<TestApp> {
  const booting = startTestApp(env, opts);
  starting.add(booting);
  const forget = () => starting.delete(booting);
  booting.then(forget, forget);
  return booting;
}

async function startTestApp(env: Record<string, string>, opts: { listen?: boolean }): Promise<TestApp> {
  const database = await cloneTestDatabase(bootOnly);
  const config = testConfig({ ...database.env, ...env });
  const started = async (): Promise<TestApp> => {
    const { app, url, responseViolations } = await boot(config, opts.listen ?? false).catch(async (err: unknown) => {
      await database.drop();
      throw err;
    });
    const stop = async () => {
      open.delete(t);
      const violations = await responseViolations().catch((err: unknown) => [
        { operation: '(validator)', status: 0, problem: String(err) },
      ]);
      await app.close();
      reportViolations(violations);
    };
    const t: TestApp = {
      app,
      config,
      http: request(app.getHttpServer()),
      dataSource: app.get(DataSource),
      url,
      async reopen() {
        await stop();
        return started();
      },
      async close() {
        try {
          await stop();
        } finally {
          await database.drop();
        }
      },
    };
    open.add(t);
    return t;
  };
  return started();
}

/** Fails the suite on responses that do not match the document (or, with OPENAPI_RESPONSES=report:<file>, lists them). */
function reportViolations(violations: Violation[]) {
  if (!violations.length) return;
  const mode = process.env.OPENAPI_RESPONSES ?? '';
  const lines = violations.map((v) => `${v.operation} → ${v.status}: ${v.problem}`);
  if (mode.startsWith('report:')) {
    appendFileSync(mode.slice('report:'.length), lines.map((l) => `${expect.getState().testPath}\t${l}\n`).join(''));
    return;
  }
  throw new Error(`Responses that do not match the served OpenAPI document:\n  ${lines.join('\n  ')}`);
}

let cachedHash: Promise<string> | null = null;

/** Inserts a user directly (one argon2 hash per test run) and returns it with its id. */
export async function createUser(
  t: TestApp,
  over: {
    email?: string;
    fullName?: string;
    role?: 'student' | 'teacher' | 'admin';
    active?: boolean;
    studentNumber?: string | null;
  } = {},
) {
  cachedHash ??= new PasswordService().hash(PASSWORD);
  const hash = await cachedHash;
  const role = over.role ?? 'student';
  const email = over.email ?? `${role}-${randomBytes(5).toString('hex')}@test.local`;
  const fullName = over.fullName ?? `${role[0].toUpperCase()}${role.slice(1)} ${randomBytes(2).toString('hex')}`;
  const rows: { id: string }[] = await t.dataSource.query(
    `INSERT INTO users (email, full_name, role, password_hash, active, student_number) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [email, fullName, role, hash, over.active ?? true, over.studentNumber ?? null],
  );
  return { id: rows[0].id, email, fullName, role };
}

/** Logs in through the API and returns the access token and a ready Authorization header. */
export async function login(t: TestApp, email: string, password = PASSWORD) {
  const res = await t.http.post('/api/auth/login').send({ email, password }).expect(200);
  return {
    token: res.body.accessToken as string,
    refreshToken: res.body.refreshToken as string,
    auth: { Authorization: `Bearer ${res.body.accessToken}` },
    user: res.body.user,
  };
}

/** A user of the given role, logged in. */
export async function actor(
  t: TestApp,
  role: 'student' | 'teacher' | 'admin',
  over: Parameters<typeof createUser>[1] = {},
) {
  const user = await createUser(t, { ...over, role });
  const session = await login(t, user.email);
  return { ...user, ...session };
}

/**
 * An access token as a login would issue it (token version 1, a sign-in of its own), without the argon2 round trip:
 * for tests that need many users. Revocation, logout and claims are tested through the real login.
 */
export function tokenFor(t: TestApp, id: string, role: 'student' | 'teacher' | 'admin'): string {
  return t.app
    .get(AccessTokenService, { strict: false })
    .sign({ id, role, mustChangePassword: false, tokenVersion: 1 }, randomUUID());
}
