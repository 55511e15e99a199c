import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

/** Issue 16: the course's integrity policy and the session's location anchor. */
describe('integrity policy and location anchor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('defaults the rotating interval/grace and the in-room check, and bounds every field', async () => {
    const admin = await actor(t, 'admin');
    const created = await t.http
      .post('/api/courses')
      .set(admin.auth)
      .send({ code: 'INT1', name: 'Integrity', timezone: 'Europe/Lisbon' })
      .expect(201);
    expect(created.body.policy).toMatchObject({
      rotatingIntervalSeconds: 15,
      rotatingGraceSeconds: 3,
      location: { mode: 'off', radiusMeters: 80 },
    });

    const bad: [Record<string, unknown>, string][] = [
      [{ rotatingIntervalSeconds: 4 }, 'policy.rotatingIntervalSeconds'],
      [{ rotatingIntervalSeconds: 61 }, 'policy.rotatingIntervalSeconds'],
      [{ rotatingGraceSeconds: 11 }, 'policy.rotatingGraceSeconds'],
      [{ rotatingGraceSeconds: -1 }, 'policy.rotatingGraceSeconds'],
      [{ location: { mode: 'strict' } }, 'policy.location.mode'],
      [{ location: { radiusMeters: 19 } }, 'policy.location.radiusMeters'],
      [{ location: { radiusMeters: 501 } }, 'policy.location.radiusMeters'],
    ];
    for (const [policy, field] of bad) {
      const res = await t.http.patch(`/api/courses/${created.body.id}`).set(admin.auth).send({ policy }).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }

    const teacher = await actor(t, 'teacher');
    const course = await createCourse(t, { teacherIds: [teacher.id] });
    const res = await t.http
      .patch(`/api/courses/${course.id}`)
      .set(teacher.auth)
      .send({ policy: { rotatingIntervalSeconds: 5, rotatingGraceSeconds: 0, location: { mode: 'require' } } })
      .expect(200);
    expect(res.body.policy).toMatchObject({
      rotatingIntervalSeconds: 5,
      rotatingGraceSeconds: 0,
      location: { mode: 'require', radiusMeters: 80 },
    });
    // A partial location update keeps the other field.
    const again = await t.http
      .patch(`/api/courses/${course.id}`)
      .set(teacher.auth)
      .send({ policy: { location: { radiusMeters: 300 } } })
      .expect(200);
    expect(again.body.policy.location).toEqual({ mode: 'require', radiusMeters: 300 });
  });

  it('lets course staff set the room location (replaced on each call), and deletes it when the session closes', async () => {
    const teacher = await actor(t, 'teacher');
    const otherTeacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const admin = await actor(t, 'admin');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id);
    const url = `/api/sessions/${session.id}/location`;

    await t.http.get(url).set(teacher.auth).expect(404);
    await t.http.post(url).set(student.auth).send({ latitude: 1, longitude: 1, accuracy: 5 }).expect(403);
    await t.http.post(url).set(otherTeacher.auth).send({ latitude: 1, longitude: 1, accuracy: 5 }).expect(404);
    for (const body of [
      { latitude: 91, longitude: 0, accuracy: 5 },
      { latitude: 0, longitude: -181, accuracy: 5 },
      { latitude: 0, longitude: 0, accuracy: -1 },
      { latitude: 0, longitude: 0 },
      { latitude: '38', longitude: 0, accuracy: 5 },
      { latitude: 0, longitude: 0, accuracy: 5, altitude: 3 },
    ])
      await t.http.post(url).set(teacher.auth).send(body).expect(400);

    const first = await t.http
      .post(url)
      .set(teacher.auth)
      .send({ latitude: 38.7369, longitude: -9.1427, accuracy: 25 })
      .expect(200);
    expect(first.body).toMatchObject({ sessionId: session.id, latitude: 38.7369, longitude: -9.1427, accuracy: 25 });
    await t.http.post(url).set(admin.auth).send({ latitude: 38.737, longitude: -9.1428, accuracy: 12 }).expect(200);
    const current = await t.http.get(url).set(teacher.auth).expect(200);
    expect(current.body).toMatchObject({ latitude: 38.737, longitude: -9.1428, accuracy: 12 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM session_location_anchors WHERE session_id = $1`,
      [session.id],
    );
    expect(n).toBe(1);

    await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    const rows = await t.dataSource.query(`SELECT 1 FROM session_location_anchors WHERE session_id = $1`, [session.id]);
    expect(rows).toHaveLength(0);
    await t.http.get(url).set(teacher.auth).expect(404);
    const late = await t.http
      .post(url)
      .set(teacher.auth)
      .send({ latitude: 38.7369, longitude: -9.1427, accuracy: 25 })
      .expect(409);
    expect(late.body.code).toBe('attendance/session-closed');
  });
});
