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

describe('demo school: courses and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SEED_DEMO: 'true' });
  });
  afterAll(async () => {
    await t.close();
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
});
