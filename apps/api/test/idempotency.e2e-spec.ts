import { randomUUID } from 'node:crypto';
import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

describe('Idempotency-Key on POST', () => {
  let t: TestApp;
  let admin: Actor;
  let otherAdmin: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
    otherAdmin = await actor(t, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const countCourses = async (code: string) =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM courses WHERE code = $1`, [code]))[0].n as number;
  const createCourseReq = (who: Actor, key: string, body: Record<string, unknown>) =>
    t.http.post('/api/courses').set(who.auth).set('Idempotency-Key', key).send(body);

  it('replays the first answer for the same key and body, and performs nothing again', async () => {
    const key = randomUUID();
    const body = { code: 'IDEM1', name: 'Idempotent', timezone: 'Europe/Lisbon' };
    const first = await createCourseReq(admin, key, body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same body with another key order and spacing is the same request.
    const again = await t.http
      .post('/api/courses')
      .set(admin.auth)
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send(`{ "timezone": "Europe/Lisbon",  "name": "Idempotent", "code": "IDEM1" }`)
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countCourses('IDEM1')).toBe(1);
  });

  it('refuses the same key with a different body (422 idempotency/key-reused) and another route', async () => {
    const key = randomUUID();
    await createCourseReq(admin, key, { code: 'IDEM2', name: 'A', timezone: 'Europe/Lisbon' }).expect(201);
    const res = await createCourseReq(admin, key, { code: 'IDEM2B', name: 'B', timezone: 'Europe/Lisbon' }).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'idempotency/key-reused' });
    expect(await countCourses('IDEM2B')).toBe(0);
    const course = await createCourse(t);
    const other = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(admin.auth)
      .set('Idempotency-Key', key)
      .send({ startsAt: '2030-01-01T09:00:00Z', endsAt: '2030-01-01T10:00:00Z' })
      .expect(422);
    expect(other.body.code).toBe('idempotency/key-reused');
  });

  it('keeps keys per principal: another caller with the same key runs its own request', async () => {
    const key = randomUUID();
    await createCourseReq(admin, key, { code: 'IDEM3', name: 'A', timezone: 'Europe/Lisbon' }).expect(201);
    const res = await createCourseReq(otherAdmin, key, { code: 'IDEM3', name: 'A', timezone: 'Europe/Lisbon' });
    // Not a replay of the first admin's answer: it ran, and the code is taken.
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.status).toBe(409);
  });

  it('answers 409 idempotency/in-progress while the first request runs, and takes over a dead claim', async () => {
    const key = randomUUID();
    const body = { code: 'IDEM4', name: 'A', timezone: 'Europe/Lisbon' };
    const first = await createCourseReq(admin, key, body).expect(201);
    // Make the stored row look like a request still running on some replica.
    await t.dataSource.query(
      `UPDATE idempotency_keys SET state = 'running', status_code = NULL, response_body = NULL,
              locked_until = now() + interval '1 minute' WHERE key = $1`,
      [key],
    );
    const busy = await createCourseReq(admin, key, body).expect(409);
    expect(busy.body.code).toBe('idempotency/in-progress');
    expect(busy.headers['retry-after']).toBe('1');
    // That replica died: after its lease the same request runs again (here: the course exists → 409 conflict).
    await t.dataSource.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [
      key,
    ]);
    const retried = await createCourseReq(admin, key, body);
    expect(retried.status).toBe(409);
    expect(retried.body.code).not.toBe('idempotency/in-progress');
    expect(first.body.code).toBe('IDEM4');
  });

  it('lets exactly one of two concurrent identical requests run', async () => {
    const key = randomUUID();
    const body = { code: 'IDEM5', name: 'A', timezone: 'Europe/Lisbon' };
    const results = await Promise.all([createCourseReq(admin, key, body), createCourseReq(admin, key, body)]);
    const statuses = results.map((r) => r.status).sort();
    // Either the second waited behind the first (replayed 201) or saw it running (409 in-progress).
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    expect(await countCourses('IDEM5')).toBe(1);
  });

  it('stores client errors and replays them; forgets nothing-happened answers after 24 h', async () => {
    const key = randomUUID();
    const bad = { code: '', name: 'A', timezone: 'Nowhere/Town' };
    const first = await createCourseReq(admin, key, bad).expect(400);
    const again = await createCourseReq(admin, key, bad).expect(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    await t.dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      key,
    ]);
    const expired = await createCourseReq(admin, key, bad).expect(400);
    expect(expired.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects a key longer than 255 characters', async () => {
    const res = await createCourseReq(admin, 'k'.repeat(256), { code: 'IDEM6', name: 'A', timezone: 'UTC' }).expect(
      400,
    );
    expect(res.body.code).toBe('idempotency/key-invalid');
    await createCourseReq(admin, 'k'.repeat(255), { code: 'IDEM6', name: 'A', timezone: 'UTC' }).expect(201);
  });

  it('fingerprints multipart uploads by content, not by their random boundary', async () => {
    const key = randomUUID();
    const csv = Buffer.from('email,full name,role,student number\nmulti@school.test,Multi Part,student,M-1\n');
    const send = () =>
      t.http
        .post('/api/users/import?dryRun=false')
        .set(admin.auth)
        .set('Idempotency-Key', key)
        .attach('file', csv, { filename: 'users.csv', contentType: 'text/csv' });
    const first = await send().expect(200);
    expect(first.body).toMatchObject({ imported: true, created: 1 });
    const again = await send().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await t.http
      .post('/api/users/import?dryRun=false')
      .set(admin.auth)
      .set('Idempotency-Key', key)
      .attach('file', Buffer.from(csv.toString().replace('M-1', 'M-2')), { filename: 'users.csv' })
      .expect(422);
    expect(other.body.code).toBe('idempotency/key-reused');
    const n = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'multi@school.test'`);
    expect(n[0].n).toBe(1);
  });

  it('replays the status a route chose (a repeated check-in answers 200 the first time too)', async () => {
    const student = await actor(t, 'student');
    const course = await createCourse(t, { studentIds: [student.id], teacherIds: [] });
    const session = await createSession(t, course.id);
    const codeRes = await t.http.post(`/api/sessions/${session.id}/codes`).set(admin.auth).send({ mode: 'fixed' });
    expect(codeRes.status).toBe(201);
    const key = randomUUID();
    const checkIn = () =>
      t.http.post('/api/check-ins').set(student.auth).set('Idempotency-Key', key).send({ code: codeRes.body.code });
    const first = await checkIn().expect(201);
    const again = await checkIn().expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('documents the header on every POST of the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const posts = Object.entries(doc.paths).filter(([, item]) => item.post);
    expect(posts.length).toBeGreaterThan(10);
    for (const [path, item] of posts) {
      const names = (item.post.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect({ path, names }).toEqual({ path, names: expect.arrayContaining(['Idempotency-Key']) });
    }
  });
});
