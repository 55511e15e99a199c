import { createHmac, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@sysponto/contracts';
import { PasswordService } from '../../../src/modules/auth/password.service.js';
import { ROUTE_COOKIE, type TestDatabase } from './cluster.js';

export const PASSWORD = 'cluster-test-password';
export type ClusterSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A route cookie value that nginx sends to each upstream port, found by asking (X-Upstream names the replica). */
export async function routeKeys(nginxUrl: string, ports: number[]): Promise<Map<number, string>> {
  const keys = new Map<number, string>();
  for (let i = 0; i < 200 && keys.size < ports.length; i++) {
    const key = `probe-${i}`;
    const res = await fetch(`${nginxUrl}/api/health`, { headers: { Cookie: `${ROUTE_COOKIE}=${key}` } });
    const port = Number(res.headers.get('x-upstream')?.split(':').pop());
    if (ports.includes(port) && !keys.has(port)) keys.set(port, key);
  }
  if (keys.size < ports.length) throw new Error('nginx did not spread the route keys over every replica');
  return keys;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes; tests assert on them
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  upstream: string | null;
}

/** fetch through nginx (or straight to a replica), pinned to a replica by its route key when given. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see ApiResponse
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; route?: string; timeoutMs?: number } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.route) headers.Cookie = `${ROUTE_COOKIE}=${opts.route}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON (nginx error pages) */
  }
  return { status: res.status, body: body as T, upstream: res.headers.get('x-upstream') };
}

let hash: Promise<string> | null = null;

/** Inserts users straight into the database (production refuses demo seeding; this is the admin bootstrap). */
export async function insertUsers(
  db: TestDatabase,
  role: 'student' | 'teacher' | 'admin',
  count: number,
  prefix = role,
): Promise<{ id: string; email: string; fullName: string }[]> {
  hash ??= new PasswordService().hash(PASSWORD);
  const h = await hash;
  const rows = await db.query<{ id: string; email: string; full_name: string }>(
    `INSERT INTO users (email, full_name, role, password_hash)
     SELECT $1 || '-' || g || '@cluster.test', initcap($2) || ' ' || g, $2, $3 FROM generate_series(1, $4::int) g
     RETURNING id, email, full_name`,
    [prefix, role, h, count],
  );
  return rows.map((r) => ({ id: r.id, email: r.email, fullName: r.full_name }));
}

/** A course taught by `teacherId` with `studentIds` enrolled and one session open now; returns their ids. */
export async function insertOpenSession(
  db: TestDatabase,
  teacherId: string,
  studentIds: string[],
  code = 'CL' + Math.floor(Math.random() * 1e6),
) {
  const [course] = await db.query<{ id: string }>(
    `INSERT INTO courses (code, name, timezone, requires_validation) VALUES ($1, 'Cluster course', 'Europe/Lisbon', true) RETURNING id`,
    [code],
  );
  await db.query(`INSERT INTO course_teachers (course_id, teacher_id) VALUES ($1, $2)`, [course.id, teacherId]);
  // Enrolled since yesterday: a student is expected only at sessions that start after their enrollment.
  await db.query(
    `INSERT INTO enrollments (course_id, student_id, enrolled_at) SELECT $1, unnest($2::uuid[]), now() - interval '1 day'`,
    [course.id, studentIds],
  );
  const [session] = await db.query<{ id: string }>(
    `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state) VALUES ($1, 'Cluster session', now() - interval '5 minutes', now() + interval '2 hours', 'open') RETURNING id`,
    [course.id],
  );
  return { courseId: course.id, sessionId: session.id };
}

export async function loginAs(baseUrl: string, email: string, route?: string): Promise<string> {
  const res = await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
    body: { email, password: PASSWORD },
    route,
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** A websocket client through nginx pinned to one replica; reconnects by itself unless told not to. */
export function connect(
  baseUrl: string,
  token: string,
  opts: { route?: string; reconnection?: boolean } = {},
): Promise<ClusterSocket> {
  const socket: ClusterSocket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    extraHeaders: opts.route ? { Cookie: `${ROUTE_COOKIE}=${opts.route}` } : undefined,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      if (!opts.reconnection) socket.close();
      reject(err);
    });
  });
}

export function nextEvent<T = unknown>(
  socket: ClusterSocket,
  event: keyof ServerToClientEvents,
  timeoutMs = 5000,
  filter: (p: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const s = socket as unknown as {
      on(e: string, cb: (p: T) => void): void;
      off(e: string, cb: (p: T) => void): void;
    };
    const handler = (p: T) => {
      if (!filter(p)) return;
      clearTimeout(timer);
      s.off(event, handler);
      resolve(p);
    };
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on(event, handler);
  });
}

/**
 * An access token signed with the replicas' secret, as the login route would issue it (HS256, `iss` sysponto, `aud`
 * sysponto-api, token version 1, a sign-in id of its own; at most the replicas' ACCESS_TOKEN_TTL_SECONDS):
 * lets a test act as hundreds of students without hundreds of argon2 logins. Logins themselves are tested apart.
 */
export function mintToken(
  secret: string,
  sub: string,
  role: 'student' | 'teacher' | 'admin',
  ttlSeconds = 3600,
): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, ver: 1, sid: randomUUID(), iat: now, exp: now + ttlSeconds, iss: 'sysponto', aud: 'sysponto-api' })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
