import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ServerEvent } from '@sysponto/contracts';
import { RealtimeService } from '../src/realtime/realtime.service.js';
import { RevocationService } from '../src/modules/auth/revocation.service.js';
import { createCourse, createSession } from './support/factories.js';
import { connectSocket, nextEvent, type TestSocket, watch } from './support/sockets.js';
import { actor, createTestApp, login, PASSWORD, type TestApp } from './support/test-app.js';

/** Resolves when the socket is disconnected by the server (rejects after a timeout). */
function disconnected(socket: TestSocket, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.disconnected) return resolve('already');
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('revocation that takes effect at once', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
    admin = await actor(t, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token: string) => t.http.get('/api/me').set('Authorization', `Bearer ${token}`);

  it('a deactivated admin is refused at once (cannot create an admin with the old token)', async () => {
    const victim = await actor(t, 'admin');
    await me(victim.token).expect(200);
    await t.http.patch(`/api/users/${victim.id}`).set(admin.auth).send({ active: false }).expect(200);
    await me(victim.token).expect(401);
    const res = await t.http
      .post('/api/users')
      .set(victim.auth)
      .send({ email: 'sneaky@test.local', fullName: 'Sneaky', role: 'admin', password: 'sneaky-password-1' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth/unauthenticated');
    await t.http.post('/api/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(401);
  });

  it('a deleted user is refused at once', async () => {
    const victim = await actor(t, 'teacher');
    await t.http.delete(`/api/users/${victim.id}`).set(admin.auth).expect(204);
    await me(victim.token).expect(401);
  });

  it('a role change refuses the old tokens; a new sign-in carries the new role', async () => {
    const victim = await actor(t, 'admin');
    await t.http.patch(`/api/users/${victim.id}`).set(admin.auth).send({ role: 'student' }).expect(200);
    await t.http.get('/api/users').set(victim.auth).expect(401);
    const again = await login(t, victim.email);
    expect(again.user.role).toBe('student');
    await t.http.get('/api/users').set(again.auth).expect(403);
    await me(again.token).expect(200);
  });

  it('a password change refuses every other token of the user; the fresh one works', async () => {
    const user = await actor(t, 'student');
    const otherDevice = await login(t, user.email);
    const res = await t.http
      .post('/api/me/password')
      .set(user.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password' })
      .expect(200);
    await me(user.token).expect(401);
    await me(otherDevice.token).expect(401);
    await me(res.body.accessToken).expect(200);
  });

  it("an admin's password reset refuses the user's tokens", async () => {
    const user = await actor(t, 'teacher');
    await t.http.patch(`/api/users/${user.id}`).set(admin.auth).send({ password: 'reset-by-admin-123' }).expect(200);
    await me(user.token).expect(401);
  });

  it("logout refuses that sign-in's access tokens and leaves the user's other devices signed in", async () => {
    const user = await actor(t, 'student');
    const phone = await login(t, user.email);
    // The refreshed token belongs to the same sign-in as the one it replaced.
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    await t.http.post('/api/auth/logout').send({ refreshToken: refreshed.body.refreshToken }).expect(204);
    await me(user.token).expect(401);
    await me(refreshed.body.accessToken).expect(401);
    await me(phone.token).expect(200);
    // Without a refresh token, the bearer token names the sign-in.
    await t.http.post('/api/auth/logout').set(phone.auth).send({}).expect(204);
    await me(phone.token).expect(401);
  });

  it('reusing a rotated refresh token also refuses the access tokens of that sign-in', async () => {
    const user = await actor(t, 'student');
    const next = await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    await me(next.body.accessToken).expect(200);
    await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    await me(next.body.accessToken).expect(401);
  });

  it('applies a revocation written by another process at the next poll (the safety net behind pub/sub)', async () => {
    const user = await actor(t, 'student');
    await me(user.token).expect(200);
    // What another replica does when Redis is down: raise the version and store the revocation, no message here.
    await t.dataSource.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [user.id]);
    await t.dataSource.query(
      `INSERT INTO token_revocations (user_id, min_version, reason, expires_at)
         SELECT id, token_version, 'deactivated', now() + interval '15 minutes' FROM users WHERE id = $1`,
      [user.id],
    );
    await me(user.token).expect(200);
    await t.app.get(RevocationService).poll();
    await me(user.token).expect(401);
  });

  describe('token claims', () => {
    const secret = 'test-secret-test-secret-test-secret';
    const sign = (claims: Record<string, unknown>, opts: Record<string, unknown> = {}) =>
      new JwtService().sign(claims, { secret, algorithm: 'HS256', ...opts });

    it('refuses tokens without exp, beyond the configured lifetime, or with a wrong iss/aud/claims', async () => {
      const user = await actor(t, 'admin');
      const base = { sub: user.id, role: 'admin', ver: 1, sid: randomUUID() };
      const good = sign(base, { expiresIn: 60, issuer: 'sysponto', audience: 'sysponto-api' });
      await me(good).expect(200);
      const refused = {
        'no exp': sign(base, { issuer: 'sysponto', audience: 'sysponto-api' }),
        'exp beyond the lifetime': sign(base, { expiresIn: 7 * 86400, issuer: 'sysponto', audience: 'sysponto-api' }),
        'wrong iss': sign(base, { expiresIn: 60, issuer: 'someone-else', audience: 'sysponto-api' }),
        'no iss': sign(base, { expiresIn: 60, audience: 'sysponto-api' }),
        'wrong aud': sign(base, { expiresIn: 60, issuer: 'sysponto', audience: 'another-api' }),
        'no aud': sign(base, { expiresIn: 60, issuer: 'sysponto' }),
        'no ver': sign({ ...base, ver: undefined }, { expiresIn: 60, issuer: 'sysponto', audience: 'sysponto-api' }),
        'no sid': sign({ ...base, sid: undefined }, { expiresIn: 60, issuer: 'sysponto', audience: 'sysponto-api' }),
        'unknown role': sign(
          { ...base, role: 'root' },
          { expiresIn: 60, issuer: 'sysponto', audience: 'sysponto-api' },
        ),
        'other secret': new JwtService().sign(base, {
          secret: 'another-secret-another-secret-00',
          expiresIn: 60,
          issuer: 'sysponto',
          audience: 'sysponto-api',
        }),
        'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${good.split('.')[1]}.`,
      };
      for (const [what, token] of Object.entries(refused)) {
        const res = await me(token);
        expect({ what, status: res.status, code: res.body.code }).toEqual({
          what,
          status: 401,
          code: 'auth/unauthenticated',
        });
        await expect(connectSocket(t.url, token)).rejects.toThrow('auth/unauthenticated');
      }
    });
  });

  describe('sockets', () => {
    it('disconnects every socket of a deactivated user and refuses their reconnection', async () => {
      const user = await actor(t, 'teacher');
      const a = await connectSocket(t.url, user.token);
      const b = await connectSocket(t.url, (await login(t, user.email)).token);
      const gone = Promise.all([disconnected(a), disconnected(b)]);
      await t.http.patch(`/api/users/${user.id}`).set(admin.auth).send({ active: false }).expect(200);
      await expect(gone).resolves.toEqual(['io server disconnect', 'io server disconnect']);
      await expect(connectSocket(t.url, user.token)).rejects.toThrow('auth/unauthenticated');
    });

    it("logout disconnects that sign-in's sockets only", async () => {
      const user = await actor(t, 'student');
      const laptop = await connectSocket(t.url, user.token);
      const phoneLogin = await login(t, user.email);
      const phone = await connectSocket(t.url, phoneLogin.token);
      const gone = disconnected(laptop);
      await t.http.post('/api/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
      await gone;
      expect(phone.connected).toBe(true);
      const received = nextEvent(phone, ServerEvent.NotificationCreated);
      t.app.get(RealtimeService).toUser(user.id, ServerEvent.NotificationCreated, {
        id: randomUUID(),
        type: 'test',
        title: 'still here',
        body: '',
        link: null,
        createdAt: new Date().toISOString(),
      } as never);
      await expect(received).resolves.toMatchObject({ title: 'still here' });
      phone.close();
    });

    it('removing a teacher from a course removes their sockets from its session rooms (they stay connected)', async () => {
      const teacher = await actor(t, 'teacher');
      const stays = await actor(t, 'teacher');
      const course = await createCourse(t, { teacherIds: [teacher.id, stays.id] });
      const session = await createSession(t, course.id);
      const otherCourse = await createCourse(t, { teacherIds: [teacher.id] });
      const otherSession = await createSession(t, otherCourse.id);
      const s = await connectSocket(t.url, teacher.token);
      const s2 = await connectSocket(t.url, stays.token);
      expect((await watch(s, session.id)).ok).toBe(true);
      expect((await watch(s, otherSession.id)).ok).toBe(true);
      expect((await watch(s2, session.id)).ok).toBe(true);

      await t.http
        .patch(`/api/courses/${course.id}`)
        .set(admin.auth)
        .send({ teacherIds: [stays.id] })
        .expect(200);
      const payload = { sessionId: session.id, codeExpiresAt: new Date().toISOString() } as never;
      const removedGets = nextEvent(s, ServerEvent.CodeRotated, 700);
      const stayingGets = nextEvent(s2, ServerEvent.CodeRotated);
      t.app.get(RealtimeService).toSession(session.id, ServerEvent.CodeRotated, payload);
      await expect(stayingGets).resolves.toBeDefined();
      await expect(removedGets).rejects.toThrow(/no code.rotated/);
      // Still connected and still in the other course's room.
      expect(s.connected).toBe(true);
      const other = nextEvent(s, ServerEvent.CodeRotated);
      t.app.get(RealtimeService).toSession(otherSession.id, ServerEvent.CodeRotated, payload);
      await expect(other).resolves.toBeDefined();
      expect((await watch(s, session.id)).ok).toBe(false);
      s.close();
      s2.close();
    });

    it('disconnects a socket when its access token expires', async () => {
      const user = await actor(t, 'student');
      const shortLived = new JwtService().sign(
        { sub: user.id, role: 'student', ver: 1, sid: randomUUID() },
        {
          secret: 'test-secret-test-secret-test-secret',
          expiresIn: 2,
          issuer: 'sysponto',
          audience: 'sysponto-api',
        },
      );
      const s = await connectSocket(t.url, shortLived);
      const started = Date.now();
      await expect(disconnected(s, 4000)).resolves.toBe('io server disconnect');
      expect(Date.now() - started).toBeGreaterThan(500);
    });
  });
});
