import { DateTime } from 'luxon';
import { createTestApp, login, type TestApp } from './support/test-app.js';

type Session = {
  title: string;
  courseCode: string;
  startsAt: string;
  endsAt: string;
  state: string;
  seriesId: string | null;
  timezone: string;
};

/** The demo school (SEED_DEMO=true): seeded once, checked through the API, then kept across a restart. */
describe('demo school', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SEED_DEMO: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  // First: the joins and check-ins of the later tests change the counts it reads.
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

  it('gives the demo users their courses, a term of weekly sessions and one session open now', async () => {
    const student = await login(t, 'student@example.com', 'sysponto-demo');
    const courses = await t.http.get('/api/courses').set(student.auth).expect(200);
    expect(courses.body.items.map((c: { code: string }) => c.code)).toEqual(['CS101', 'MATH201']);
    const cs = courses.body.items[0];
    expect(cs).toMatchObject({
      name: 'Introduction to Programming',
      timezone: 'Europe/Lisbon',
      teachers: [{ fullName: 'Tomás Teacher' }],
    });
    expect(cs.enrolledCount).toBeGreaterThanOrEqual(30);
    expect(courses.body.items[1].enrolledCount).toBe(15);

    const teacher2 = await login(t, 'teacher2@example.com', 'sysponto-demo');
    const taught = await t.http.get('/api/courses').set(teacher2.auth).expect(200);
    expect(taught.body.items.map((c: { code: string; joinCode: string }) => [c.code, c.joinCode])).toEqual([
      ['MATH201', 'MATHS789'],
    ]);

    const from = DateTime.now().minus({ weeks: 7 }).toISODate();
    const to = DateTime.now().plus({ weeks: 7 }).toISODate();
    const mine = await t.http.get(`/api/me/sessions?from=${from}&to=${to}`).set(student.auth).expect(200);
    const items: Session[] = mine.body.items;
    const open = items.filter((s) => s.state === 'open' && s.courseCode === 'CS101');
    expect(open.map((s) => s.title)).toContain('Live lecture (demo)');
    const series = items.filter((s) => s.courseCode === 'CS101' && s.seriesId);
    expect(series.length).toBeGreaterThanOrEqual(22);
    for (const s of series) expect(DateTime.fromISO(s.startsAt, { zone: s.timezone }).toFormat('HH:mm')).toBe('09:00');
    expect(new Set(series.map((s) => DateTime.fromISO(s.startsAt, { zone: 'Europe/Lisbon' }).weekday))).toEqual(
      new Set([1, 3]),
    );
    expect(items.some((s) => s.courseCode === 'MATH201')).toBe(true);

    // The demo join code works for a student who is not in MATH201 yet.
    const outsider = await login(t, 'student31@example.com', 'sysponto-demo');
    const joined = await t.http.post('/api/courses/join').set(outsider.auth).send({ joinCode: 'maths789' }).expect(200);
    expect(joined.body).toMatchObject({ alreadyEnrolled: false, course: { code: 'MATH201' } });
  });

  it('keeps data across a restart and seeds the demo school only once', async () => {
    const [{ n: first }] = await t.dataSource.query('SELECT count(*)::int AS n FROM users');
    expect(first).toBeGreaterThan(3);
    await t.dataSource.query(
      `INSERT INTO users (email, full_name, role, password_hash) VALUES ('kept@test.local', 'Kept', 'student', 'x')`,
    );
    t = await t.reopen();
    const [{ n: second }] = await t.dataSource.query('SELECT count(*)::int AS n FROM users');
    expect(second).toBe(first + 1);
    const kept = await t.dataSource.query(`SELECT full_name FROM users WHERE email = 'kept@test.local'`);
    expect(kept).toEqual([{ full_name: 'Kept' }]);
  });
});
