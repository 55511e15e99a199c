import { connectSocket, nextEvent } from './support/sockets.js';
import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';
import { ServerEvent } from '@sysponto/contracts';

interface Created {
  items: { id: string; startsAt: string }[];
  skipped: { date: string; reason: string; name: string | null }[];
}

/** Local dates (YYYY-MM-DD in the zone) of the created sessions. */
const localDates = (items: { startsAt: string }[], zone: string) =>
  items.map((s) => new Date(s.startsAt).toLocaleDateString('sv-SE', { timeZone: zone }));

describe('holidays and series exception dates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a weekly series skips its exceptDates and the school holidays, and says which it skipped', async () => {
    const admin = await actor(t, 'admin');
    const teacher = await actor(t, 'teacher');
    const course = await createCourse(t, { teacherIds: [teacher.id], timezone: 'Pacific/Auckland' });
    // Mondays of March 2031: 3, 10, 17, 24, 31. 17 is a holiday; 24 an exception of this series.
    const holiday = await t.http
      .post('/api/holidays')
      .set(admin.auth)
      .send({ date: '2031-03-17', name: '  School sports day ' })
      .expect(201);
    expect(holiday.body).toMatchObject({ date: '2031-03-17', name: 'School sports day', sessionsOnDate: [] });
    const res = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(teacher.auth)
      .send({
        series: {
          weekdays: [1],
          startTime: '09:00',
          endTime: '10:00',
          from: '2031-03-01',
          to: '2031-03-31',
          exceptDates: ['2031-03-24'],
        },
      })
      .expect(201);
    const body = res.body as Created;
    // In the course's zone (Auckland is UTC+13 then: the UTC dates are the Sundays before).
    expect(localDates(body.items, 'Pacific/Auckland')).toEqual(['2031-03-03', '2031-03-10', '2031-03-31']);
    expect(body.skipped).toEqual([
      { date: '2031-03-17', reason: 'holiday', name: 'School sports day' },
      { date: '2031-03-24', reason: 'exception', name: null },
    ]);

    // Everyone signed in reads the calendar of holidays; only admins change it.
    const list = await t.http.get('/api/holidays').set(teacher.auth).expect(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ date: '2031-03-17', name: 'School sports day' }));
    await t.http.post('/api/holidays').set(teacher.auth).send({ date: '2031-04-01', name: 'x' }).expect(403);
    await t.http.delete(`/api/holidays/${holiday.body.id}`).set(teacher.auth).expect(403);
    await t.http.get('/api/holidays').expect(401);

    // Every date skipped: a clear 400, not an empty series.
    const none = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(teacher.auth)
      .send({
        series: {
          weekdays: [1],
          startTime: '09:00',
          endTime: '10:00',
          from: '2031-03-16',
          to: '2031-03-22',
        },
      })
      .expect(400);
    expect(none.body).toMatchObject({ code: 'sessions/invalid-series' });
    expect(none.body.details).toEqual([{ field: 'series.exceptDates', messages: [expect.stringContaining('skip')] }]);

    // Bad input is a 400 with the field.
    for (const exceptDates of [['2031-02-30'], ['17/03/2031'], 'x', ['2031-03-03', '2031-03-03']]) {
      const bad = await t.http
        .post(`/api/courses/${course.id}/sessions`)
        .set(teacher.auth)
        .send({
          series: {
            weekdays: [1],
            startTime: '09:00',
            endTime: '10:00',
            from: '2031-03-01',
            to: '2031-03-31',
            exceptDates,
          },
        })
        .expect(400);
      expect(bad.body.code).toBe('validation/failed');
    }

    // Removing the holiday: later series are held on that date again.
    await t.http.delete(`/api/holidays/${holiday.body.id}`).set(admin.auth).expect(204);
    await t.http.delete(`/api/holidays/${holiday.body.id}`).set(admin.auth).expect(404);
    const again = await t.http
      .post(`/api/courses/${course.id}/sessions`)
      .set(teacher.auth)
      .send({ series: { weekdays: [1], startTime: '11:00', endTime: '12:00', from: '2031-03-16', to: '2031-03-22' } })
      .expect(201);
    expect((again.body as Created).skipped).toEqual([]);
    const audit = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE target_id = $1 ORDER BY occurred_at`,
      [holiday.body.id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['holiday.created', 'holiday.deleted']);
  });

  it('a new holiday lists the sessions already on its date; cancelling them tells the students', async () => {
    const admin = await actor(t, 'admin');
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const lisbon = await createCourse(t, {
      teacherIds: [teacher.id],
      studentIds: [student.id],
      timezone: 'Europe/Lisbon',
    });
    // 2031-06-10 09:00 in Lisbon (UTC+1), and a session late on the 9th in Lisbon that is the 10th in UTC.
    const onDay = await createSession(t, lisbon.id, {
      startsAt: new Date('2031-06-10T08:00:00Z'),
      endsAt: new Date('2031-06-10T09:00:00Z'),
    });
    const dayBefore = await createSession(t, lisbon.id, {
      startsAt: new Date('2031-06-09T22:30:00Z'),
      endsAt: new Date('2031-06-09T22:50:00Z'),
    });

    const created = await t.http
      .post('/api/holidays')
      .set(admin.auth)
      .send({ date: '2031-06-10', name: 'Dia de Portugal' })
      .expect(201);
    expect(created.body.sessionsOnDate.map((s: { id: string }) => s.id)).toEqual([onDay.id]);
    const dup = await t.http
      .post('/api/holidays')
      .set(admin.auth)
      .send({ date: '2031-06-10', name: 'Again' })
      .expect(409);
    expect(dup.body.code).toBe('holidays/duplicate-date');
    for (const body of [{ date: '2031-13-01', name: 'x' }, { date: '2031-06-11', name: '' }, { date: '2031-06-11' }])
      await t.http.post('/api/holidays').set(admin.auth).send(body).expect(400);

    const studentSocket = await connectSocket(t.url, student.token);
    try {
      const pushed = nextEvent(studentSocket, ServerEvent.SessionCancelled);
      const cancelled = await t.http
        .post(`/api/holidays/${created.body.id}/cancel-sessions`)
        .set(admin.auth)
        .expect(200);
      expect(cancelled.body).toEqual({ cancelled: 1 });
      await expect(pushed).resolves.toMatchObject({
        sessionId: onDay.id,
        state: 'cancelled',
        reason: 'Dia de Portugal',
      });
    } finally {
      studentSocket.close();
    }
    const rows = await t.dataSource.query(`SELECT id, state, cancel_reason FROM class_sessions WHERE id = ANY($1)`, [
      [onDay.id, dayBefore.id],
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: onDay.id, state: 'cancelled', cancel_reason: 'Dia de Portugal' },
        { id: dayBefore.id, state: expect.not.stringMatching('cancelled'), cancel_reason: null },
      ]),
    );
    const notes = await t.http.get('/api/notifications').set(student.auth).expect(200);
    expect(notes.body.items).toContainEqual(expect.objectContaining({ type: 'session.cancelled' }));
    // Nothing left on that date; cancelling again changes nothing.
    await t.http.get(`/api/holidays/${created.body.id}/sessions`).set(admin.auth).expect(200, { items: [] });
    await t.http.post(`/api/holidays/${created.body.id}/cancel-sessions`).set(admin.auth).expect(200, { cancelled: 0 });
    await t.http.post(`/api/holidays/${created.body.id}/cancel-sessions`).set(teacher.auth).expect(403);
  });
});
