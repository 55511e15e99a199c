import ICAL from 'ical.js';
import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

const DAY = 24 * 60 * 60_000;

/** Parses a feed with ical.js, registering its VTIMEZONEs so local times convert to instants. */
function parseFeed(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return {
    name: cal.getFirstPropertyValue('x-wr-calname'),
    timezones: cal.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid')),
    events: cal.getAllSubcomponents('vevent').map((v) => {
      const e = new ICAL.Event(v);
      return {
        uid: e.uid,
        summary: e.summary,
        location: e.location,
        tzid: e.startDate.zone?.tzid,
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
      };
    }),
  };
}

describe('calendar feeds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const path = (url: string) => new URL(url).pathname;

  it('serves a private feed of my sessions that parses, with the course time zone, and dies on regeneration', async () => {
    const teacher = await actor(t, 'teacher', { fullName: 'Tina Teacher' });
    const student = await actor(t, 'student', { fullName: 'Sam Student' });
    const lisbon = await createCourse(t, {
      code: 'CAL101',
      name: 'Calendars',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacher.id],
      studentIds: [student.id],
    });
    const ny = await createCourse(t, {
      code: 'NYC200',
      name: 'New York',
      timezone: 'America/New_York',
      studentIds: [student.id],
    });
    await createCourse(t, { code: 'NOTMINE', studentIds: [] }).then((c) => createSession(t, c.id));

    const soon = new Date(Math.ceil((Date.now() + 3 * DAY) / 60_000) * 60_000);
    const a1 = await createSession(t, lisbon.id, { startsAt: soon, title: 'Lab 1' });
    await t.dataSource.query(`UPDATE class_sessions SET room = 'B.204, floor 2' WHERE id = $1`, [a1.id]);
    const a2 = await createSession(t, lisbon.id, { startsAt: new Date(soon.getTime() - 20 * DAY), state: 'closed' });
    await createSession(t, lisbon.id, { startsAt: new Date(Date.now() - 100 * DAY), state: 'closed' }); // outside the window
    const b1 = await createSession(t, ny.id, { startsAt: new Date(soon.getTime() + DAY) });

    await t.http.get('/api/me/calendar-feed').expect(401);
    const first = await t.http.get('/api/me/calendar-feed').set(student.auth).expect(200);
    expect(first.body.url).toMatch(/^http:\/\/localhost:\d+\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const again = await t.http.get('/api/me/calendar-feed').set(student.auth).expect(200);
    expect(again.body.url).toBe(first.body.url);

    // Only a hash of the token is stored.
    const token = path(first.body.url).split('/').pop()!.replace('.ics', '');
    const stored = await t.dataSource.query(`SELECT seed, token_hash FROM calendar_feeds WHERE user_id = $1`, [
      student.id,
    ]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const res = await t.http.get(path(first.body.url)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const feed = parseFeed(res.text);
    expect(feed.name).toBe('SysPonto — Sam Student');
    expect(feed.timezones.sort()).toEqual(['America/New_York', 'Europe/Lisbon']);
    expect(feed.events.map((e) => e.uid).sort()).toEqual([a1.id, a2.id, b1.id].sort());
    const e1 = feed.events.find((e) => e.uid === a1.id)!;
    expect(e1).toEqual({
      uid: a1.id,
      summary: 'CAL101 — Calendars (Lab 1)',
      location: 'B.204, floor 2',
      tzid: 'Europe/Lisbon',
      start: a1.startsAt.toISOString(),
      end: a1.endsAt.toISOString(),
    });
    const e3 = feed.events.find((e) => e.uid === b1.id)!;
    expect(e3).toMatchObject({
      summary: 'NYC200 — New York',
      tzid: 'America/New_York',
      start: b1.startsAt.toISOString(),
    });
    expect(res.text).toContain('DTSTART;TZID=America/New_York:');

    // Teachers get the courses they teach.
    const tf = await t.http.get('/api/me/calendar-feed').set(teacher.auth).expect(200);
    const teacherFeed = parseFeed((await t.http.get(path(tf.body.url)).expect(200)).text);
    expect(teacherFeed.events.map((e) => e.uid).sort()).toEqual([a1.id, a2.id].sort());

    const regenerated = await t.http.post('/api/me/calendar-feed/regenerate').set(student.auth).expect(200);
    expect(regenerated.body.url).not.toBe(first.body.url);
    await t.http
      .get(path(first.body.url))
      .expect(404)
      .expect((r) => expect(r.body.code).toBe('calendar/feed-not-found'));
    await t.http.get(path(regenerated.body.url)).expect(200);
    const now = await t.http.get('/api/me/calendar-feed').set(student.auth).expect(200);
    expect(now.body.url).toBe(regenerated.body.url);
  });

  it('answers 404 for unknown or malformed tokens and for deactivated users', async () => {
    await t.http.get(`/api/calendar/${'A'.repeat(43)}.ics`).expect(404);
    await t.http.get('/api/calendar/short.ics').expect(404);
    await t.http.get(`/api/calendar/${'%27'.repeat(20)}.ics`).expect(404);
    const student = await actor(t, 'student');
    const feed = await t.http.post('/api/me/calendar-feed/regenerate').set(student.auth).expect(200);
    await t.http.get(path(feed.body.url)).expect(200);
    await t.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [student.id]);
    await t.http.get(path(feed.body.url)).expect(404);
  });
});
