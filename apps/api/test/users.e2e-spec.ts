import { createCourse, createRecord, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, login, PASSWORD, type TestApp } from './support/test-app.js';

describe('users and profile', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every users route to teachers and students', async () => {
    const target = await createUser(t);
    for (const role of ['teacher', 'student'] as const) {
      const a = await actor(t, role);
      await t.http.get('/api/users').set(a.auth).expect(403);
      await t.http
        .post('/api/users')
        .set(a.auth)
        .send({ email: 'x@test.local', fullName: 'X', role: 'student' })
        .expect(403);
      await t.http.get(`/api/users/${target.id}`).set(a.auth).expect(403);
      await t.http.patch(`/api/users/${target.id}`).set(a.auth).send({ fullName: 'Y' }).expect(403);
      await t.http.delete(`/api/users/${target.id}`).set(a.auth).expect(403);
    }
    await t.http.get('/api/users').expect(401);
  });

  it('creates a user with a temporary password that must be changed at first login', async () => {
    const res = await t.http
      .post('/api/users')
      .set(admin.auth)
      .send({ email: ' New.Person@Test.local ', fullName: 'New Person', role: 'student', studentNumber: 'S-1' })
      .expect(201);
    expect(res.body.user).toMatchObject({
      email: 'new.person@test.local',
      role: 'student',
      mustChangePassword: true,
      studentNumber: 'S-1',
      active: true,
    });
    expect(res.body.temporaryPassword).toMatch(/^\S{15}$/);
    expect(JSON.stringify(res.body)).not.toMatch(/hash|argon/i);

    const s = await login(t, 'new.person@test.local', res.body.temporaryPassword);
    const blocked = await t.http.get('/api/notifications').set(s.auth).expect(403);
    expect(blocked.body.code).toBe('auth/password-change-required');
    await t.http.get('/api/me').set(s.auth).expect(200);
    const changed = await t.http
      .post('/api/me/password')
      .set(s.auth)
      .send({ currentPassword: res.body.temporaryPassword, newPassword: 'a-brand-new-password' })
      .expect(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    await t.http
      .get('/api/notifications')
      .set({ Authorization: `Bearer ${changed.body.accessToken}` })
      .expect(200);
    // The old refresh token was revoked by the password change.
    await t.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
  });

  it('answers a duplicate email with 409, also under a concurrent race', async () => {
    const body = { email: 'race@test.local', fullName: 'Race', role: 'teacher', password: 'long-enough-password' };
    const results = await Promise.all([
      t.http.post('/api/users').set(admin.auth).send(body),
      t.http
        .post('/api/users')
        .set(admin.auth)
        .send({ ...body, email: 'RACE@test.local' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('users/email-taken');
  });

  it('validates input with field details and rejects unknown fields', async () => {
    const res = await t.http
      .post('/api/users')
      .set(admin.auth)
      .send({ email: 'not-an-email', fullName: '', role: 'pope', password: 'short', isAdmin: true })
      .expect(400);
    expect(res.body.code).toBe('validation/failed');
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'fullName',
      'isAdmin',
      'password',
      'role',
    ]);
    await t.http.get('/api/users/not-a-uuid').set(admin.auth).expect(400);
    await t.http.get('/api/users/00000000-0000-4000-8000-000000000000').set(admin.auth).expect(404);
    await t.http.get('/api/users?pageSize=1000').set(admin.auth).expect(400);
  });

  it('searches, filters and pages with a stable order and a total', async () => {
    for (let i = 0; i < 5; i++)
      await createUser(t, { role: 'teacher', fullName: `Zeta Teacher ${i}`, email: `zeta${i}@test.local` });
    const page1 = await t.http.get('/api/users?search=zeta&role=teacher&pageSize=2&page=1').set(admin.auth).expect(200);
    const page3 = await t.http.get('/api/users?search=zeta&role=teacher&pageSize=2&page=3').set(admin.auth).expect(200);
    expect(page1.body).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.body.items.map((u: { fullName: string }) => u.fullName)).toEqual(['Zeta Teacher 0', 'Zeta Teacher 1']);
    expect(page3.body.items.map((u: { fullName: string }) => u.fullName)).toEqual(['Zeta Teacher 4']);
    const none = await t.http.get('/api/users?search=%25').set(admin.auth).expect(200);
    expect(none.body.total).toBe(0);
  });

  it('edits, deactivates (revoking sessions) and deletes a user', async () => {
    const u = await createUser(t);
    const s = await login(t, u.email);
    const edited = await t.http
      .patch(`/api/users/${u.id}`)
      .set(admin.auth)
      .send({ fullName: 'Renamed', active: false })
      .expect(200);
    expect(edited.body).toMatchObject({ fullName: 'Renamed', active: false });
    await t.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    await t.http.post('/api/auth/login').send({ email: u.email, password: PASSWORD }).expect(401);
    await t.http.delete(`/api/users/${u.id}`).set(admin.auth).expect(204);
    await t.http.get(`/api/users/${u.id}`).set(admin.auth).expect(404);
  });

  it('refuses to delete a user with history (409 users/has-history); ?anonymize=true keeps the records under an anonymous name', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await createUser(t, { role: 'student', studentNumber: `A${Date.now()}` });
    const s = await login(t, student.email);
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id, { state: 'closed' });
    await createRecord(t, session.id, student.id, 'absent', { source: 'teacher', checkedInAt: null });
    const before = await t.http.get(`/api/reports/courses/${course.id}`).set(teacher.auth).expect(200);

    const refused = await t.http.delete(`/api/users/${student.id}`).set(admin.auth).expect(409);
    expect(refused.body).toMatchObject({
      code: 'users/has-history',
      details: { attendanceRecords: 1, justifications: 0, taughtSessions: 0 },
    });
    expect(refused.body.message).toMatch(/Deactivate/);
    // The teacher of a course with a held session has history too.
    const t409 = await t.http.delete(`/api/users/${teacher.id}`).set(admin.auth).expect(409);
    expect(t409.body.details).toMatchObject({ taughtSessions: 1 });
    await t.http.delete(`/api/users/${student.id}?anonymize=maybe`).set(admin.auth).expect(400);

    await t.http.delete(`/api/users/${student.id}?anonymize=true`).set(admin.auth).expect(204);
    const got = await t.http.get(`/api/users/${student.id}`).set(admin.auth).expect(200);
    expect(got.body).toMatchObject({ active: false, studentNumber: null });
    expect(got.body.fullName).toMatch(/^Anonymized user /);
    expect(got.body.email).not.toContain(student.email.split('@')[0]);
    // Signed out everywhere and cannot sign in (neither with the old email nor the new one).
    await t.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    await t.http.get('/api/me').set(s.auth).expect(401);
    await t.http.post('/api/auth/login').send({ email: student.email, password: PASSWORD }).expect(401);
    await t.http.post('/api/auth/login').send({ email: got.body.email, password: PASSWORD }).expect(401);
    // The course's numbers are unchanged; the row carries the anonymous name.
    const after = await t.http.get(`/api/reports/courses/${course.id}`).set(teacher.auth).expect(200);
    expect(after.body.rate).toEqual(before.body.rate);
    expect(after.body.students).toEqual([
      expect.objectContaining({ studentId: student.id, fullName: got.body.fullName, absent: 1 }),
    ]);
    const [audit] = await t.dataSource.query(
      `SELECT summary FROM audit_events WHERE target_id = $1 AND action = 'user.anonymized'`,
      [student.id],
    );
    expect(audit.summary).toMatchObject({ role: 'student', attendanceRecords: 1 });
    expect(JSON.stringify(audit.summary)).not.toContain(student.email);

    // Without history: deleted as before, anonymize or not.
    const fresh = await createUser(t, { role: 'student' });
    await t.http.delete(`/api/users/${fresh.id}?anonymize=true`).set(admin.auth).expect(204);
    await t.http.get(`/api/users/${fresh.id}`).set(admin.auth).expect(404);
  });

  it('never deletes, demotes or deactivates the last active admin', async () => {
    const fresh = await createTestApp();
    try {
      const only = await actor(fresh, 'admin');
      const other = await createUser(fresh, { role: 'admin' });
      await fresh.http.delete(`/api/users/${only.id}`).set(only.auth).expect(409);
      await fresh.http.patch(`/api/users/${other.id}`).set(only.auth).send({ active: false }).expect(200);
      const demote = await fresh.http
        .patch(`/api/users/${only.id}`)
        .set(only.auth)
        .send({ role: 'teacher' })
        .expect(409);
      expect(demote.body.code).toBe('users/last-admin');
      await fresh.http.patch(`/api/users/${only.id}`).set(only.auth).send({ active: false }).expect(409);
      await fresh.http.delete(`/api/users/${other.id}`).set(only.auth).expect(204);
    } finally {
      await fresh.close();
    }
  });

  it('lets everyone edit their profile and change their password', async () => {
    const s = await actor(t, 'student');
    const me = await t.http.patch('/api/me').set(s.auth).send({ fullName: 'Me Myself', locale: 'pt' }).expect(200);
    // null is not "unchanged": each field is NOT NULL, so null is a 400 (the fuzz found a 500), and nothing changes.
    for (const field of ['fullName', 'locale', 'digestOptIn'])
      await t.http
        .patch('/api/me')
        .set(s.auth)
        .send({ [field]: null })
        .expect(400)
        .expect((r) => expect(r.body.code).toBe('validation/failed'));
    expect((await t.http.get('/api/me').set(s.auth).expect(200)).body).toMatchObject({ fullName: 'Me Myself' });
    expect(me.body).toMatchObject({ fullName: 'Me Myself', locale: 'pt', role: 'student' });
    await t.http.patch('/api/me').set(s.auth).send({ role: 'admin' }).expect(400);
    const wrong = await t.http
      .post('/api/me/password')
      .set(s.auth)
      .send({ currentPassword: 'not-it-at-all', newPassword: 'another-password' })
      .expect(400);
    expect(wrong.body.code).toBe('users/wrong-password');
    await t.http
      .post('/api/me/password')
      .set(s.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'another-password' })
      .expect(200);
    await login(t, s.email, 'another-password');
  });
});
