import { createCourse, createRecord, createSession } from './support/factories.js';
import { connectSocket } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

describe('API keys', () => {
  let t: TestApp;
  let admin: Actor;
  let teacher: Actor;
  let student: Actor;
  let course: { id: string };

  beforeAll(async () => {
    t = await createTestApp({ API_KEY_RATE_LIMIT_PER_MINUTE: '25' }, { listen: true });
    [admin, teacher, student] = [await actor(t, 'admin'), await actor(t, 'teacher'), await actor(t, 'student')];
    course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id);
    await createRecord(t, session.id, student.id, 'present');
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  const createKey = async (who: Actor, scopes: string[], extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/api/api-keys')
        .set(who.auth)
        .send({ name: 'SIS sync', scopes, ...extra })
        .expect(201)
    ).body as {
      id: string;
      token: string;
      prefix: string;
      scopes: string[];
      lastUsedAt: string | null;
    };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('creates a key shown once, stored hashed, acting as its owner within its scopes', async () => {
    const key = await createKey(teacher, ['attendance:read', 'courses:read']);
    expect(key.token).toMatch(/^spk_[A-Za-z0-9_-]{43}$/);
    expect(key.token.startsWith(key.prefix)).toBe(true);
    const stored = await t.dataSource.query(`SELECT token_hash FROM api_keys WHERE id = $1`, [key.id]);
    expect(stored[0].token_hash).not.toContain(key.token.slice(4));
    const mine = await t.http.get('/api/api-keys').set(teacher.auth).expect(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).not.toHaveProperty('token');

    const feed = await t.http.get('/api/attendance-records').set(bearer(key.token)).expect(200);
    expect(feed.body.items.length).toBe(1);
    expect(feed.headers['ratelimit-policy']).toBe('"api-key";q=25;w=60');
    expect(feed.headers.ratelimit).toMatch(/^"api-key";r=\d+;t=\d+$/);
    const courses = await t.http.get('/api/courses').set(bearer(key.token)).expect(200);
    expect(courses.body.items.map((c: { id: string }) => c.id)).toEqual([course.id]);

    const denied = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(bearer(key.token))
      .send({ startsAt: '2030-01-01T09:00:00Z', endsAt: '2030-01-01T10:00:00Z' })
      .expect(403);
    expect(denied.body).toMatchObject({
      code: 'auth/insufficient-scope',
      details: { requiredScope: 'sessions:write' },
    });
    expect(denied.body.message).toContain('sessions:write');
    const noKeys = await t.http
      .post('/api/api-keys')
      .set(bearer(key.token))
      .send({ name: 'x', scopes: ['users:read'] });
    expect(noKeys.status).toBe(403);
    expect(noKeys.body.code).toBe('auth/api-key-not-allowed');
    // The owner's role still applies: a teacher's key cannot list users even with users:read.
    const usersKey = await createKey(teacher, ['users:read']);
    await t.http.get('/api/users').set(bearer(usersKey.token)).expect(403);
    // lastUsedAt was written once.
    const listed = (await t.http.get('/api/api-keys').set(teacher.auth).expect(200)).body.items;
    expect(listed.find((k: { id: string }) => k.id === key.id).lastUsedAt).not.toBeNull();
  });

  it('records creation and revocation in the audit trail, never the token', async () => {
    const key = await createKey(teacher, ['reports:read']);
    await t.http.delete(`/api/api-keys/${key.id}`).set(teacher.auth).expect(204);
    const trail = await t.http
      .get('/api/audit-events')
      .query({ targetType: 'api-key', targetId: key.id })
      .set(admin.auth)
      .expect(200);
    const actions = trail.body.items.map((e: { action: string }) => e.action).sort();
    expect(actions).toEqual(['api-key.created', 'api-key.revoked']);
    expect(trail.body.items.every((e: { actorId: string }) => e.actorId === teacher.id)).toBe(true);
    expect(JSON.stringify(trail.body.items)).not.toContain(key.token.slice(12));
  });

  it('acts for each role as that role: admin keys reach admin routes, teachers only their courses', async () => {
    const adminKey = await createKey(admin, ['users:read', 'webhooks:manage', 'courses:read']);
    const users = await t.http.get('/api/users').set(bearer(adminKey.token)).expect(200);
    expect(users.body.total).toBeGreaterThanOrEqual(3);
    await t.http.get('/api/webhooks').set(bearer(adminKey.token)).expect(200);
    const me = await t.http.get('/api/me').set(bearer(adminKey.token)).expect(200);
    expect(me.body.id).toBe(admin.id);
    const narrow = await createKey(admin, ['reports:read']);
    const denied = await t.http.get('/api/me').set(bearer(narrow.token)).expect(403);
    expect(denied.body.details).toMatchObject({ requiredScope: 'users:read' });
    // The teacher's key sees only their course; another teacher's course is out of reach whatever the scope.
    const other = await actor(t, 'teacher');
    const otherCourse = await createCourse(t, { teacherIds: [other.id] });
    const teacherKey = await createKey(teacher, ['courses:read', 'courses:write', 'webhooks:manage']);
    await t.http.get(`/api/courses/${otherCourse.id}`).set(bearer(teacherKey.token)).expect(404);
    await t.http.get(`/api/courses/${course.id}`).set(bearer(teacherKey.token)).expect(200);
    // webhooks:manage is granted, but webhooks are for admins: the owner's role decides.
    await t.http.get('/api/webhooks').set(bearer(teacherKey.token)).expect(403);
    // No password change, no notifications, no audit trail through a key.
    for (const [method, path] of [
      ['post', '/api/me/password'],
      ['get', '/api/notifications'],
      ['get', '/api/audit-events'],
    ] as const) {
      const res = await t.http[method](path).set(bearer(adminKey.token)).send({});
      expect(res.body.code).toBe('auth/api-key-not-allowed');
    }
  });

  it('is refused at once when its owner is deactivated, and at the socket handshake', async () => {
    const owner = await actor(t, 'teacher');
    const key = await createKey(owner, ['courses:read']);
    await t.http.get('/api/courses').set(bearer(key.token)).expect(200);
    await expect(connectSocket(t.url, key.token)).rejects.toThrow('auth/unauthenticated');
    await t.http.patch(`/api/users/${owner.id}`).set(admin.auth).send({ active: false }).expect(200);
    await t.http.get('/api/courses').set(bearer(key.token)).expect(401);
  });

  it('lets admins see every key with its owner; students may not create keys', async () => {
    const all = await t.http.get('/api/api-keys').set(admin.auth).expect(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    const owners = all.body.items.map((k: { owner: { id: string; email: string } }) => k.owner);
    expect(owners).toEqual(
      expect.arrayContaining([{ id: teacher.id, email: teacher.email, fullName: teacher.fullName }]),
    );
    expect(owners).toEqual(expect.arrayContaining([expect.objectContaining({ id: admin.id })]));
    // A teacher lists only their own keys.
    const mine = (await t.http.get('/api/api-keys').set(teacher.auth).expect(200)).body.items;
    expect(mine.every((k: { owner?: unknown }) => k.owner === undefined)).toBe(true);
    expect(mine.length).toBeLessThan(all.body.items.length);
    // …and cannot revoke another owner's key.
    const adminKeyId = all.body.items.find((k: { owner: { id: string } }) => k.owner.id === admin.id).id;
    await t.http.delete(`/api/api-keys/${adminKeyId}`).set(teacher.auth).expect(404);
    await t.http
      .post('/api/api-keys')
      .set(student.auth)
      .send({ name: 'x', scopes: ['attendance:read'] })
      .expect(403);
    await t.http
      .post('/api/api-keys')
      .set(admin.auth)
      .send({ name: 'x', scopes: ['nope:read'] })
      .expect(400);
  });

  it('refuses a revoked key within a second, and an expired or unknown one', async () => {
    const key = await createKey(admin, ['users:read']);
    await t.http.get('/api/users').set(bearer(key.token)).expect(200);
    await t.http.delete(`/api/api-keys/${key.id}`).set(admin.auth).expect(204);
    const res = await t.http.get('/api/users').set(bearer(key.token)).expect(401);
    expect(res.body.code).toBe('auth/unauthenticated');
    await t.http.delete(`/api/api-keys/${key.id}`).set(admin.auth).expect(404);
    // Revoked behind this process's back (another replica): refused once the cache entry is older than 0.9 s.
    const other = await createKey(admin, ['users:read']);
    await t.http.get('/api/users').set(bearer(other.token)).expect(200);
    await t.dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [other.id]);
    await new Promise((r) => setTimeout(r, 1000));
    await t.http.get('/api/users').set(bearer(other.token)).expect(401);
    const soon = await createKey(admin, ['users:read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    await new Promise((r) => setTimeout(r, 1600));
    await t.http.get('/api/users').set(bearer(soon.token)).expect(401);
    await t.http
      .get('/api/users')
      .set(bearer(`spk_${'x'.repeat(43)}`))
      .expect(401);
  });

  it('rate-limits per key: 429 with Retry-After past the limit', async () => {
    const key = await createKey(admin, ['courses:read']);
    let last = 0;
    for (let i = 0; i < 25; i++) last = (await t.http.get('/api/courses').set(bearer(key.token))).status;
    expect(last).toBe(200);
    const limited = await t.http.get('/api/courses').set(bearer(key.token)).expect(429);
    expect(limited.body.code).toBe('common/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.ratelimit).toMatch(/^"api-key";r=0;t=\d+$/);
    // Another key of the same owner has its own budget.
    const fresh = await createKey(admin, ['courses:read']);
    await t.http.get('/api/courses').set(bearer(fresh.token)).expect(200);
  });

  it('documents both security schemes and each operation’s scope', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    const feed = doc.paths['/api/attendance-records'].get;
    expect(feed['x-api-key-scope']).toBe('attendance:read');
    expect(feed.security).toEqual(expect.arrayContaining([{ apiKey: [] }, { bearer: [] }]));
    expect(doc.paths['/api/api-keys'].post['x-api-key-scope']).toBeNull();
  });
});
