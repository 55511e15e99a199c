import { createTestApp, login, type TestApp } from './support/test-app.js';

describe('demo seed: attendance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SEED_DEMO: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes past sessions with history in every status and leaves pending check-ins in the open one', async () => {
    const [counts] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM class_sessions WHERE ends_at <= now() AND state <> 'closed') AS unclosed_past,
              (SELECT count(DISTINCT status)::int FROM attendance_records) AS statuses,
              (SELECT count(*)::int FROM attendance_events) AS events,
              (SELECT count(*)::int FROM class_sessions s WHERE s.state = 'closed' AND EXISTS (
                 SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id
                  AND NOT EXISTS (SELECT 1 FROM attendance_records r WHERE r.session_id = s.id AND r.student_id = e.student_id))) AS incomplete`,
    );
    expect(counts).toMatchObject({ unclosed_past: 0, statuses: 5, incomplete: 0 });
    expect(counts.events).toBeGreaterThan(100);

    const teacher = await login(t, 'teacher@example.com', 'sysponto-demo');
    const [open] = await t.dataSource.query(`SELECT id FROM class_sessions WHERE title = 'Live lecture (demo)'`);
    const roster = await t.http.get(`/api/sessions/${open.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body.state).toBe('open');
    expect(roster.body.counts.pending).toBeGreaterThanOrEqual(3);
    expect(roster.body.items.find((i: { email: string }) => i.email === 'student@example.com').status).toBeNull();

    // The demo student can check in with the teacher's code and sees a history with rates.
    const code = await t.http
      .post(`/api/sessions/${open.id}/codes`)
      .set(teacher.auth)
      .send({ mode: 'fixed' })
      .expect(201);
    const student = await login(t, 'student@example.com', 'sysponto-demo');
    await t.http.post('/api/check-ins').set(student.auth).send({ code: code.body.code }).expect(201);
    const mine = await t.http.get('/api/me/attendance').set(student.auth).expect(200);
    expect(mine.body.overall.held).toBeGreaterThan(10);
    expect(mine.body.overall.absent + mine.body.overall.excused).toBeGreaterThanOrEqual(2);
    expect(mine.body.overall.rate).toBeGreaterThan(0.5);
    expect(mine.body.overall.rate).toBeLessThan(1);
  });
});
