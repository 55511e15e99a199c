import { AuditService } from '../src/modules/audit/audit.service.js';
import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';

describe('audit trail', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    admin = await actor(t, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const events = async (query: Record<string, string> = {}) =>
    (await t.http.get('/api/audit-events').query(query).set(admin.auth).expect(200)).body as {
      items: {
        action: string;
        actorId: string | null;
        actorEmail: string | null;
        targetId: string | null;
        summary: Record<string, unknown>;
        requestId: string | null;
        ip: string | null;
      }[];
      total: number;
      page: number;
      pageSize: number;
    };

  it('is for admins only', async () => {
    for (const role of ['teacher', 'student'] as const) {
      const a = await actor(t, role);
      await t.http.get('/api/audit-events').set(a.auth).expect(403);
      await t.http.get('/api/audit-events/export.csv').set(a.auth).expect(403);
    }
    await t.http.get('/api/audit-events').expect(401);
  });

  it('records who created, changed and deleted a user, with the request id and IP, without secrets', async () => {
    const created = await t.http
      .post('/api/users')
      .set(admin.auth)
      .set('X-Request-Id', 'audit-create-1')
      .send({ email: 'audited@test.local', fullName: 'Audited', role: 'student', password: 'a-long-password-1' })
      .expect(201);
    const id = created.body.user.id as string;
    await t.http
      .patch(`/api/users/${id}`)
      .set(admin.auth)
      .send({ role: 'teacher', password: 'another-long-password' })
      .expect(200);
    await t.http.delete(`/api/users/${id}`).set(admin.auth).expect(204);

    const page = await events({ targetId: id });
    expect(page.items.map((e) => e.action)).toEqual(['user.deleted', 'user.updated', 'user.created']);
    const [deleted, updated, made] = page.items;
    expect(made).toMatchObject({
      actorId: admin.id,
      actorEmail: admin.email,
      requestId: 'audit-create-1',
      summary: { email: 'audited@test.local', role: 'student', credential: 'set' },
    });
    expect(made.ip).toMatch(/127\.0\.0\.1|::1|::ffff:127/);
    expect(updated.summary).toEqual({ changes: { role: { from: 'student', to: 'teacher' } }, credentialReset: true });
    expect(deleted.summary).toMatchObject({ email: 'audited@test.local', role: 'teacher' });
    expect(JSON.stringify(page)).not.toMatch(/long-password|argon/);
  });

  it('filters by actor (id or email), action, target type and time, paged newest first', async () => {
    const other = await actor(t, 'admin');
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/api/users')
        .set(other.auth)
        .send({ email: `filter-${i}@test.local`, fullName: `F ${i}`, role: 'student' })
        .expect(201);
    }
    const byId = await events({ actor: other.id, pageSize: '2' });
    expect(byId.total).toBe(3);
    expect(byId.items).toHaveLength(2);
    expect(byId.items[0].summary.email).toBe('filter-2@test.local');
    expect((await events({ actor: other.email.toUpperCase() })).total).toBe(3);
    expect((await events({ actor: other.id, action: 'user.created' })).total).toBe(3);
    expect((await events({ actor: other.id, action: 'user' })).total).toBe(3);
    expect((await events({ actor: other.id, action: 'user.deleted' })).total).toBe(0);
    expect((await events({ actor: other.id, targetType: 'course' })).total).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await events({ actor: other.id, from: future })).total).toBe(0);
    expect((await events({ actor: other.id, to: future })).total).toBe(3);

    const bad = await t.http.get('/api/audit-events').query({ targetId: 'nope', from: 'yesterday' }).set(admin.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation/failed');
  });

  it('exports the filtered trail as CSV', async () => {
    const res = await t.http
      .get('/api/audit-events/export.csv')
      .query({ action: 'user.created' })
      .set(admin.auth)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}\.csv"$/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('occurredAt,actorId,actorEmail,actorName,action,targetType,targetId,summary,ip,requestId');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.slice(1).every((l) => l.includes(',user.created,user,'))).toBe(true);
  });

  it('is written in the transaction of the change: a rollback leaves no trace', async () => {
    const audit = t.app.get(AuditService);
    const target = await createUser(t);
    await expect(
      t.dataSource.transaction(async (m) => {
        await audit.record(m, { action: 'user.updated', targetType: 'user', targetId: target.id, actorId: null });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await events({ targetId: target.id })).total).toBe(0);
    // A failed change leaves none either: the last active admin cannot be demoted … here, a duplicate email.
    await t.http.patch(`/api/users/${target.id}`).set(admin.auth).send({ email: admin.email }).expect(409);
    expect((await events({ targetId: target.id })).total).toBe(0);
  });

  it('is append-only: updates and deletes are refused by the database', async () => {
    await expect(t.dataSource.query(`UPDATE audit_events SET action = 'user.hidden'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect((await events()).total).toBeGreaterThan(0);
  });

  it('strips secrets from summaries and rejects action names that break the convention', async () => {
    const audit = t.app.get(AuditService);
    const target = await createUser(t);
    await t.dataSource.transaction((m) =>
      audit.record(m, {
        action: 'user.updated',
        targetType: 'user',
        targetId: target.id,
        actorId: null,
        summary: { note: 'a\u0000b', nested: { password: 'x', apiKey: 'k', refreshToken: 'r' } },
      }),
    );
    const [e] = (await events({ targetId: target.id })).items;
    expect(e.summary).toEqual({
      note: 'ab',
      nested: { password: '[redacted]', apiKey: '[redacted]', refreshToken: '[redacted]' },
    });
    await expect(
      t.dataSource.transaction((m) => audit.record(m, { action: 'UserCreated' as 'user.created', targetType: 'user' })),
    ).rejects.toThrow(/naming rule/);
  });

  const actions = async (query: Record<string, string>) => (await events({ pageSize: '100', ...query })).items;

  it('records courses: created, updated (what changed), join code, deleted', async () => {
    const teacher = await createUser(t, { role: 'teacher' });
    const created = await t.http
      .post('/api/courses')
      .set(admin.auth)
      .send({ code: 'AUD101', name: 'Audited course', timezone: 'Europe/Lisbon', teacherIds: [teacher.id] })
      .expect(201);
    const id = created.body.id as string;
    await t.http
      .patch(`/api/courses/${id}`)
      .set(admin.auth)
      .send({ name: 'Renamed', policy: { lateAfterMinutes: 5 } });
    await t.http.post(`/api/courses/${id}/join-code`).set(admin.auth);
    await t.http.delete(`/api/courses/${id}`).set(admin.auth).expect(204);
    const trail = await actions({ targetId: id });
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['course.deleted', 'course.updated', 'course.created']),
    );
    expect(trail.at(-1)).toMatchObject({
      action: 'course.created',
      actorId: admin.id,
      summary: { code: 'AUD101', teacherIds: [teacher.id] },
    });
    const updates = trail.filter((e) => e.action === 'course.updated');
    expect(updates.at(-1)!.summary.changes).toMatchObject({ name: { from: 'Audited course', to: 'Renamed' } });
    expect(updates[0].summary).toMatchObject({ joinCodeRegenerated: true });
    expect(JSON.stringify(trail)).not.toMatch(/"joinCode"/);
    expect(trail[0]).toMatchObject({ action: 'course.deleted', summary: { code: 'AUD101' } });
  });

  it('records enrollments, sessions, codes, closing and justification reviews', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await createUser(t, { role: 'student' });
    const course = await createCourse(t, { teacherIds: [teacher.id] });
    await t.http
      .post(`/api/courses/${course.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [student.id] })
      .expect(200);
    const made = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(teacher.auth)
      .send({
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      })
      .expect(201);
    const sessionId = made.body.id as string;
    await t.http.patch(`/api/sessions/${sessionId}`).set(teacher.auth).send({ room: 'B2' }).expect(200);
    const code = await t.http
      .post(`/api/sessions/${sessionId}/codes`)
      .set(teacher.auth)
      .send({ mode: 'fixed' })
      .expect(201);
    await t.http.delete(`/api/sessions/${sessionId}/codes/current`).set(teacher.auth).expect(204);
    await t.http.post(`/api/sessions/${sessionId}/close`).set(teacher.auth).expect(200);
    await t.http.delete(`/api/courses/${course.id}/enrollments/${student.id}`).set(teacher.auth).expect(204);

    const byTeacher = await actions({ actor: teacher.id });
    expect(byTeacher.map((e) => e.action).sort()).toEqual(
      [
        'code.created',
        'code.revoked',
        'enrollment.created',
        'enrollment.deleted',
        'session.closed',
        'session.created',
        'session.updated',
      ].sort(),
    );
    const codeEvent = byTeacher.find((e) => e.action === 'code.created')!;
    expect(codeEvent.summary).toMatchObject({ sessionId, mode: 'fixed' });
    expect(JSON.stringify(byTeacher)).not.toContain(code.body.code as string);
    expect(byTeacher.find((e) => e.action === 'session.closed')!.summary).toEqual({
      validated: 0,
      markedAbsent: expect.any(Number),
    });
    expect(byTeacher.find((e) => e.action === 'enrollment.created')!.summary).toMatchObject({
      courseId: course.id,
      studentId: student.id,
    });

    const past = await createSession(t, course.id, { startsAt: new Date(Date.now() - 86_400_000), state: 'closed' });
    const [j] = await t.dataSource.query(
      `INSERT INTO justifications (session_id, student_id, type, reason) VALUES ($1, $2, 'absence', 'ill') RETURNING id`,
      [past.id, student.id],
    );
    await t.http
      .post(`/api/justifications/${j.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'rejected', comment: 'no document' })
      .expect(200);
    const [review] = await actions({ targetId: j.id });
    expect(review).toMatchObject({
      action: 'justification.reviewed',
      actorId: teacher.id,
      summary: { decision: 'rejected', comment: 'no document', studentId: student.id },
    });
  });

  it('records a user import (one event for the import, one per user created)', async () => {
    await t.http
      .post('/api/users/import?dryRun=false')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(
        'email,full name,role,student number\nimported-a@test.local,Imported A,student,A1\nimported-b@test.local,Imported B,teacher,\n',
      )
      .expect(200);
    const [imported] = await actions({ action: 'user.imported' });
    expect(imported).toMatchObject({ actorId: admin.id, summary: { created: 2 } });
    const created = await actions({ action: 'user.created', actor: admin.id });
    expect(created.filter((e) => e.summary.source === 'import').map((e) => e.summary.email)).toEqual(
      expect.arrayContaining(['imported-a@test.local', 'imported-b@test.local']),
    );
    expect(JSON.stringify(created)).not.toMatch(/temporaryPassword|"password"/);
  });

  it('records failed logins and the lockout, never the password', async () => {
    const victim = await createUser(t, { email: 'locked-out@test.local' });
    for (let i = 0; i < 3; i++)
      await t.http
        .post('/api/auth/login')
        .send({ email: victim.email, password: `wrong-guess-${i}` })
        .expect(401);
    await t.http.post('/api/auth/login').send({ email: victim.email, password: 'wrong-guess-4' }).expect(429);
    await t.http.post('/api/auth/login').send({ email: 'nobody@test.local', password: 'whatever-1' }).expect(401);

    const failed = await actions({ action: 'auth.login-failed', targetId: victim.id });
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatchObject({
      actorId: null,
      targetId: victim.id,
      summary: { email: victim.email, reason: 'wrong-password' },
    });
    expect(failed[0].ip).toBeTruthy();
    const [locked] = await actions({ action: 'auth.locked-out', targetId: victim.id });
    expect(locked.summary).toMatchObject({ scope: 'account', failures: 3 });
    const unknown = await actions({ action: 'auth.login-failed' });
    expect(unknown.find((e) => e.summary.email === 'nobody@test.local')).toMatchObject({
      targetId: null,
      summary: { reason: 'unknown-email' },
    });
    expect(JSON.stringify(await actions({ targetType: 'auth' }))).not.toContain('wrong-guess');
  });
});
