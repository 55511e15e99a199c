import { randomUUID } from 'node:crypto';
import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

/**
 * The teacher's offline queue (issue 17): PATCH honours Idempotency-Key like POST, and a change sent later with
 * `recordedAt` is applied only when no later change (by server time) was made to the record meanwhile.
 */
describe('offline changes: idempotent PATCH and recordedAt', () => {
  let t: TestApp;
  let teacher: Actor;
  let students: Actor[];
  let sessionId: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    teacher = await actor(t, 'teacher');
    students = [await actor(t, 'student'), await actor(t, 'student'), await actor(t, 'student')];
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: students.map((s) => s.id) });
    sessionId = (await createSession(t, course.id)).id;
    base = `/api/sessions/${sessionId}/attendance`;
  });
  afterAll(async () => {
    await t.close();
  });

  const events = async (studentId: string) =>
    (await t.http.get(`${base}/events?studentId=${studentId}`).set(teacher.auth).expect(200)).body.items as {
      fromStatus: string | null;
      toStatus: string;
      source: string;
      reason: string | null;
      createdAt: string;
    }[];
  const patch = (studentId: string, body: object, key?: string) => {
    const req = t.http.patch(`${base}/${studentId}`).set(teacher.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  async function checkIn(student: Actor) {
    const code = (await t.http.post(`/api/sessions/${sessionId}/codes`).set(teacher.auth).send({ mode: 'fixed' })).body
      .code as string;
    await t.http.post('/api/check-ins').set(student.auth).send({ code }).expect(201);
  }

  it('replays a PATCH sent twice with one Idempotency-Key: one change, one event, one notification', async () => {
    const [s] = students;
    const key = randomUUID();
    const body = { status: 'absent', override: true, note: 'offline' };
    const first = await patch(s!.id, body, key).expect(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // In between, another change: a replay must still answer the first result and must not undo it.
    await patch(s!.id, { status: 'excused', override: true }).expect(200);
    const again = await patch(s!.id, body, key).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await events(s!.id)).map((e) => e.toStatus)).toEqual(['excused', 'absent']);
    const n = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`, [s!.id]);
    expect(n[0].n).toBe(2);
    const other = await patch(s!.id, { ...body, status: 'present' }, key).expect(422);
    expect(other.body.code).toBe('idempotency/key-reused');
  });

  it('applies an offline change with no later change, noting when it was made', async () => {
    const [, s] = students;
    const recordedAt = new Date(Date.now() - 60_000).toISOString();
    const res = await patch(s!.id, { status: 'late', override: true, recordedAt }, randomUUID()).expect(200);
    expect(res.body).toMatchObject({ status: 'late', source: 'teacher' });
    const [ev] = await events(s!.id);
    expect(ev).toMatchObject({
      fromStatus: null,
      toStatus: 'late',
      source: 'teacher',
      reason: `recorded offline at ${recordedAt}`,
      // Logged at the time it was made.
      createdAt: recordedAt,
    });
    // A later offline change (its note kept after the time) wins over that one.
    const later = new Date(Date.now() - 30_000).toISOString();
    await patch(s!.id, { status: 'present', override: true, note: 'came back', recordedAt: later }).expect(200);
    expect((await events(s!.id))[0]!.reason).toBe(`recorded offline at ${later}: came back`);
  });

  it('keeps a later server change and answers 409 attendance/offline-conflict with the current status', async () => {
    const [, , s] = students;
    const markedOfflineAt = new Date(Date.now() - 5_000).toISOString();
    // The student checks in after the teacher (offline) marked them absent.
    await checkIn(s!);
    const res = await patch(s!.id, { status: 'absent', override: true, recordedAt: markedOfflineAt }).expect(409);
    expect(res.body).toMatchObject({
      code: 'attendance/offline-conflict',
      details: [{ studentId: s!.id, status: 'pending', source: 'code' }],
    });
    expect(Date.parse((res.body.details as { changedAt: string }[])[0]!.changedAt)).toBeGreaterThan(
      Date.parse(markedOfflineAt),
    );
    expect((await events(s!.id)).map((e) => e.toStatus)).toEqual(['pending']);
    // A clock ahead of the server counts as now.
    const ahead = new Date(Date.now() + 3600_000).toISOString();
    const ok = await patch(s!.id, { status: 'present', recordedAt: ahead }).expect(200);
    expect(ok.body.status).toBe('present');
    const [ev] = await events(s!.id);
    expect(Date.parse(ev!.reason!.replace('recorded offline at ', ''))).toBeLessThanOrEqual(Date.now());
    // The status it already has is no conflict: nothing changes, no event.
    await patch(s!.id, { status: 'present', recordedAt: markedOfflineAt }).expect(200);
    expect(await events(s!.id)).toHaveLength(2);
    await patch(s!.id, { status: 'present', recordedAt: 'yesterday' }).expect(400);
  });

  it('documents Idempotency-Key on every PATCH of the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const patches = Object.entries(doc.paths).filter(([, item]) => item.patch);
    expect(patches.length).toBeGreaterThan(3);
    for (const [path, item] of patches) {
      const names = (item.patch.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      expect({ path, names }).toEqual({ path, names: expect.arrayContaining(['Idempotency-Key']) });
    }
  });
});
