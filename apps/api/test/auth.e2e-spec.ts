import { createTestApp, createUser, login, PASSWORD, type TestApp } from './support/test-app.js';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in with the right password and returns tokens, a cookie and the user', async () => {
    const u = await createUser(t, { role: 'teacher' });
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: u.email.toUpperCase(), password: PASSWORD })
      .expect(200);
    expect(res.body).toMatchObject({ expiresIn: 900, user: { id: u.id, email: u.email, role: 'teacher' } });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.user.passwordHash).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/sysponto_rt=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    const me = await t.http.get('/api/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ id: u.id, email: u.email, fullName: u.fullName, role: 'teacher' });
  });

  it('answers a wrong password and an unknown email with the same generic error', async () => {
    const u = await createUser(t);
    const wrong = await t.http.post('/api/auth/login').send({ email: u.email, password: 'nope-nope-nope' }).expect(401);
    const unknown = await t.http
      .post('/api/auth/login')
      .send({ email: 'nobody@test.local', password: 'nope-nope-nope' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({
      statusCode: 401,
      code: 'auth/invalid-credentials',
      message: 'Wrong email or password.',
    });
  });

  it('refuses a deactivated account with the same generic error', async () => {
    const u = await createUser(t, { active: false });
    const res = await t.http.post('/api/auth/login').send({ email: u.email, password: PASSWORD }).expect(401);
    expect(res.body.code).toBe('auth/invalid-credentials');
  });

  it('limits failed logins per account with 429 and Retry-After, even for the right password', async () => {
    const u = await createUser(t);
    for (let i = 0; i < 3; i++)
      await t.http.post('/api/auth/login').send({ email: u.email, password: 'wrong-password!' }).expect(401);
    const res = await t.http.post('/api/auth/login').send({ email: u.email, password: PASSWORD }).expect(429);
    expect(res.body.code).toBe('auth/too-many-attempts');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is unaffected.
    const other = await createUser(t);
    await login(t, other.email);
  });

  it('validates the body with field details', async () => {
    const res = await t.http.post('/api/auth/login').send({ email: 'a@b.c', password: '', extra: 1 }).expect(400);
    expect(res.body.code).toBe('validation/failed');
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['extra', 'password']);
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const u = await createUser(t);
    const first = await login(t, u.email);
    const second = await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    await t.http.get('/api/me').set('Authorization', `Bearer ${second.body.accessToken}`).expect(200);

    // Reusing the first (already rotated) token: refused, and the whole login is revoked.
    const reuse = await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(reuse.body.code).toBe('auth/invalid-refresh-token');
    await t.http.post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
  });

  it('refreshes from the httpOnly cookie', async () => {
    const u = await createUser(t);
    const res = await t.http.post('/api/auth/login').send({ email: u.email, password: PASSWORD }).expect(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    const refreshed = await t.http.post('/api/auth/refresh').set('Cookie', cookie).expect(200);
    expect(refreshed.body.user.id).toBe(u.id);
  });

  it('logs out: the refresh token stops working', async () => {
    const u = await createUser(t);
    const s = await login(t, u.email);
    await t.http.post('/api/auth/logout').send({ refreshToken: s.refreshToken }).expect(204);
    await t.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
  });

  it('rejects missing, malformed and forged access tokens', async () => {
    await t.http.get('/api/me').expect(401);
    await t.http.get('/api/me').set('Authorization', 'Bearer abc').expect(401);
    const u = await createUser(t);
    const s = await login(t, u.email);
    const [h, p] = s.token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    await t.http
      .get('/api/users')
      .set('Authorization', `Bearer ${h}.${forgedPayload}.${s.token.split('.')[2]}`)
      .expect(401);
  });
});
