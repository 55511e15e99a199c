// The lean baseline of `pnpm bench`: what a careful engineer would write by hand for the two hot routes, on the same
// PostgreSQL, Redis, SQL function and pool size as the API. The benchmark runs it A/B/A beside the real API and prints
// the API's figures as ratios to this one. It is a yardstick, not a product: no validation beyond what the figures need.
//
//   GET  /api/me         verify the JWT, one primary-key read with pg, JSON
//   POST /api/check-ins  verify the JWT, peek the failure counter in Redis, SELECT attendance_check_in(...), emit
//                        attendance.submitted to the session room (Socket.IO, Redis streams adapter), answer 201/200
//   socket.io            JWT at the handshake, `session.watch` joins the session room (teachers of the course)
//
// Env: PORT (0 = any), DATABASE_URL, REDIS_URL, JWT_SECRET, DATABASE_POOL_SIZE (20). The rotating grace is per code.
// Prints `listening <port>` on stdout when ready.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const API = resolve(import.meta.dirname, '../../apps/api');
const req = createRequire(join(API, 'package.json'));
const load = async (name) => {
  const m = await import(pathToFileURL(req.resolve(name)).href);
  return m.default ?? m;
};
const Fastify = await load('fastify');
const pg = await load('pg');
const { Redis } = await import(pathToFileURL(req.resolve('ioredis')).href);
const { Server } = await import(pathToFileURL(req.resolve('socket.io')).href);
const { createAdapter } = await import(pathToFileURL(req.resolve('@socket.io/redis-streams-adapter')).href);

const env = process.env;
const key = Buffer.from(env.JWT_SECRET ?? '', 'utf8');
const MAX_WRONG = 5;
const CODE = /^[A-Za-z0-9-]{4,16}$/;

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE ?? 20) });
pool.on('error', () => undefined);
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
const adapterRedis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });

/** HS256, issuer sysponto, not expired: the claims the API checks. */
function verify(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const sig = Buffer.from(parts[2], 'base64url');
  const want = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (header.alg !== 'HS256' || p.iss !== 'sysponto' || typeof p.exp !== 'number' || p.exp * 1000 <= Date.now())
      return null;
    return p;
  } catch {
    return null;
  }
}

const bearer = (request) => {
  const h = request.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? verify(h.slice(7)) : null;
};
const fail = (reply, statusCode, code) => reply.code(statusCode).send({ statusCode, code, message: code });
const iso = (d) => (d ? new Date(d).toISOString() : null);

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const io = new Server(app.server, { path: '/socket.io', serveClient: false, transports: ['websocket', 'polling'] });
// Its own stream: the API's process must not spend CPU on the baseline's events (and the reverse).
io.adapter(createAdapter(adapterRedis, { streamName: 'sysponto-bench-lean' }));
io.use((socket, next) => {
  const p = verify(socket.handshake.auth?.token);
  if (!p) return next(new Error('auth/unauthenticated'));
  socket.data.user = { id: p.sub, role: p.role };
  next();
});
io.on('connection', (socket) => {
  void socket.join(`user:${socket.data.user.id}`);
  socket.on('session.watch', async (body, ack) => {
    const { rows } = await pool.query(
      `SELECT 1 FROM class_sessions s JOIN course_teachers ct ON ct.course_id = s.course_id WHERE s.id = $1 AND ct.teacher_id = $2`,
      [body?.sessionId, socket.data.user.id],
    );
    if (!rows.length) return ack?.({ ok: false, code: 'sessions/not-found' });
    await socket.join(`session:${body.sessionId}`);
    ack?.({ ok: true });
  });
});

app.get('/api/health', async () => ({ status: 'ok' }));

app.get('/api/me', async (request, reply) => {
  const p = bearer(request);
  if (!p) return fail(reply, 401, 'auth/unauthenticated');
  const { rows } = await pool.query(
    `SELECT id, email, full_name, role, active, must_change_password, student_number, locale, digest_opt_in,
            last_login_at, created_at, updated_at FROM users WHERE id = $1`,
    [p.sub],
  );
  const u = rows[0];
  if (!u) return fail(reply, 404, 'users/not-found');
  return {
    id: u.id,
    email: u.email,
    fullName: u.full_name,
    role: u.role,
    active: u.active,
    mustChangePassword: u.must_change_password,
    studentNumber: u.student_number,
    locale: u.locale,
    digestOptIn: u.digest_opt_in,
    lastLoginAt: iso(u.last_login_at),
    createdAt: iso(u.created_at),
    updatedAt: iso(u.updated_at),
  };
});

app.post('/api/check-ins', async (request, reply) => {
  const p = bearer(request);
  if (!p) return fail(reply, 401, 'auth/unauthenticated');
  if (p.role !== 'student') return fail(reply, 403, 'attendance/students-only');
  const code = request.body?.code;
  if (typeof code !== 'string' || !CODE.test(code)) return fail(reply, 400, 'validation/failed');
  const failKey = `rl:checkin-fail:${p.sub}`;
  if (Number(await redis.get(failKey)) >= MAX_WRONG) return fail(reply, 429, 'attendance/too-many-attempts');
  // No device id and no location: the integrity checks of the function run with NULLs (as for an older client).
  const { rows } = await pool.query('SELECT attendance_check_in($1, $2, $3, $4, $5, $6, $7, $8, $9) AS r', [
    p.sub,
    code.toUpperCase().replace(/[^A-Z0-9]/g, ''),
    request.body.via === 'qr' ? 'qr' : 'code',
    Date.now() / 1000,
    null,
    null,
    null,
    null,
    null,
  ]);
  const r = rows[0]?.r;
  const answer = (rec, already) => ({
    sessionId: r.session_id,
    courseId: r.course_id,
    courseCode: r.course_code,
    courseName: r.course_name,
    sessionTitle: r.title,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    studentId: p.sub,
    ...rec,
    alreadyCheckedIn: already,
  });
  if (r?.new_status) {
    const checkedInAt = iso(r.new_checked_in_at);
    io.to(`session:${r.session_id}`).emit('attendance.submitted', {
      sessionId: r.session_id,
      studentId: p.sub,
      fullName: r.full_name,
      checkedInAt,
      status: r.new_status,
    });
    const rec = { status: r.new_status, source: r.new_source, checkedInAt, validatedAt: null, note: null };
    return reply.code(201).send(answer(rec, false));
  }
  if (r?.old_status) {
    const rec = {
      status: r.old_status,
      source: r.old_source,
      checkedInAt: iso(r.old_checked_in_at),
      validatedAt: iso(r.old_validated_at),
      note: r.old_note,
    };
    return reply.code(200).send(answer(rec, true));
  }
  await redis.multi().incr(failKey).expire(failKey, 600, 'NX').exec();
  return fail(reply, r ? 409 : 404, r ? 'attendance/session-not-open' : 'attendance/code-invalid');
});

const close = async () => {
  io.close();
  await app.close();
  await pool.end();
  redis.disconnect();
  adapterRedis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);

await app.listen({ port: Number(env.PORT ?? 0), host: env.HOST ?? '127.0.0.1' });
console.log(`listening ${app.server.address().port}`);
