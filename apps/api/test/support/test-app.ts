import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/app.factory.js';
import { PasswordService } from '../../src/modules/auth/password.service.js';

export const PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  dataSource: DataSource;
  /** Base URL when started with listen: true (sockets). */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots the real app on a fresh database: an in-memory PGlite by default, or — with TEST_DATABASE_URL set
 * (`pnpm test:system`) — a new database on that PostgreSQL server, dropped afterwards.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { listen?: boolean } = {},
): Promise<TestApp> {
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `sysponto_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  let url = '';
  if (opts.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    dataSource,
    url,
    async close() {
      await app.close();
      await dropDatabase?.();
    },
  };
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
