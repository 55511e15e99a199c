import { DateTime } from 'luxon';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;
type Session = {
  id: string;
  startsAt: string;
  endsAt: string;
  seriesId: string | null;
  state: string;
  title: string | null;
  courseCode: string;
};

const localTime = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('HH:mm');

describe('class sessions', () => {
  let t: TestApp;
  let admin: Actor;
  let teacherA: Actor;
  let teacherB: Actor;
  let studentIn: Actor;
  let studentOut: Actor;
  let courseA: { id: string; code: string };
  let courseB: { id: string; code: string };
  let courseNy: { id: string; code: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
    teacherA = await actor(t, 'teacher');
    teacherB = await actor(t, 'teacher');
    studentIn = await actor(t, 'student');
    studentOut = await actor(t, 'student');
    courseA = await createCourse(t, {
      code: 'SESA',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacherA.id],
      studentIds: [studentIn.id],
    });
    courseB = await createCourse(t, {
      code: 'SESB',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacherB.id],
      studentIds: [studentOut.id],
    });
    courseNy = await createCourse(t, {
      code: 'SESNY',
      timezone: 'America/New_York',
      teacherIds: [teacherA.id],
      studentIds: [studentIn.id],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const createSeries = (who: Actor, courseId: string, series: object, extra: object = {}) =>
    t.http
      .post(`/api/courses/${courseId}/sessions`)
      .set(who.auth)
      .send({ series, ...extra });

  describe('POST /api/courses/:id/sessions', () => {
    it('creates one session (staff only) with offsets in the course zone and a derived state', async () => {
      const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
      const endsAt = new Date(Date.now() + 85 * 60_000).toISOString();
      const res = await t.http
        .post(`/api/courses/${courseA.id}/sessions`)
        .set(teacherA.auth)
        .send({ startsAt, endsAt, title: 'Lecture 1', room: 'B2.03' })
        .expect(201);
      expect(res.body).toMatchObject({
        courseId: courseA.id,
        courseCode: 'SESA',
        timezone: 'Europe/Lisbon',
        seriesId: null,
        title: 'Lecture 1',
        room: 'B2.03',
        state: 'open',
        closedAt: null,
      });
      expect(res.body.startsAt).toMatch(/[+-]\d{2}:\d{2}$/);
      expect(new Date(res.body.startsAt).toISOString()).toBe(startsAt);
      const future = await t.http
        .post(`/api/courses/${courseA.id}/sessions`)
        .set(admin.auth)
        .send({ startsAt: '2030-01-07T09:00:00Z', endsAt: '2030-01-07T10:00:00Z' })
        .expect(201);
      expect(future.body).toMatchObject({
        state: 'scheduled',
        startsAt: '2030-01-07T09:00:00.000+00:00',
        checkinOpensAt: '2030-01-07T08:45:00.000+00:00',
      });
      const body = { startsAt: '2030-01-08T09:00:00Z', endsAt: '2030-01-08T10:00:00Z' };
      await t.http.post(`/api/courses/${courseA.id}/sessions`).set(teacherB.auth).send(body).expect(404);
      await t.http.post(`/api/courses/${courseA.id}/sessions`).set(studentIn.auth).send(body).expect(403);
      await t.http.post(`/api/courses/${courseA.id}/sessions`).set(studentOut.auth).send(body).expect(404);
    });

    it('rejects bad times: end before start, longer than 12 hours, no offset, both shapes, neither', async () => {
      const post = (body: object) => t.http.post(`/api/courses/${courseA.id}/sessions`).set(teacherA.auth).send(body);
      let res = await post({ startsAt: '2030-01-07T10:00:00Z', endsAt: '2030-01-07T10:00:00Z' }).expect(400);
      expect(res.body).toMatchObject({ code: 'sessions/invalid-times', details: [{ field: 'endsAt' }] });
      res = await post({ startsAt: '2030-01-07T06:00:00Z', endsAt: '2030-01-07T18:00:01Z' }).expect(400);
      expect(res.body.code).toBe('sessions/invalid-times');
      await post({ startsAt: '2030-01-07T06:00:00Z', endsAt: '2030-01-07T18:00:00Z' }).expect(201);
      res = await post({ startsAt: '2030-01-07T09:00:00', endsAt: '2030-01-07T10:00:00' }).expect(400);
      expect(res.body.code).toBe('validation/failed');
      await post({ startsAt: '2030-02-30T09:00:00Z', endsAt: '2030-02-30T10:00:00Z' }).expect(400);
      res = await post({
        startsAt: '2030-01-07T09:00:00Z',
        endsAt: '2030-01-07T10:00:00Z',
        series: { weekdays: [1], startTime: '09:00', endTime: '10:00', from: '2030-01-01', to: '2030-01-31' },
      }).expect(400);
      expect(res.body.code).toBe('sessions/one-or-series');
      await post({ title: 'nothing' }).expect(400);
      await post({ startsAt: '2030-01-07T09:00:00Z' }).expect(400);
    });

    it.each([
      ['Europe/Lisbon', 'SESA', '2026-03-16', '2026-04-08', '+00:00', '+01:00'],
      ['Europe/Lisbon', 'SESA', '2026-10-12', '2026-11-04', '+01:00', '+00:00'],
      ['America/New_York', 'SESNY', '2026-03-02', '2026-04-08', '-05:00', '-04:00'],
      ['America/New_York', 'SESNY', '2026-10-12', '2026-11-11', '-04:00', '-05:00'],
    ])(
      'keeps a 09:00 series at 09:00 local across the DST change (%s, %s → %s)',
      async (zone, code, from, to, firstOffset, lastOffset) => {
        const courseId = code === 'SESA' ? courseA.id : courseNy.id;
        const res = await createSeries(
          teacherA,
          courseId,
          { weekdays: [1, 3], startTime: '09:00', endTime: '10:30', from, to },
          { title: 'Weekly', room: 'A1' },
        ).expect(201);
        const items: Session[] = res.body.items;
        const expected = [];
        for (let d = DateTime.fromISO(from, { zone }); d <= DateTime.fromISO(to, { zone }); d = d.plus({ days: 1 }))
          if (d.weekday === 1 || d.weekday === 3) expected.push(d.toISODate());
        expect(items.map((s) => DateTime.fromISO(s.startsAt, { zone }).toISODate())).toEqual(expected);
        for (const s of items) {
          expect(localTime(s.startsAt, zone)).toBe('09:00');
          expect(localTime(s.endsAt, zone)).toBe('10:30');
          expect(s).toMatchObject({ seriesId: res.body.items[0].seriesId, title: 'Weekly', courseCode: code });
        }
        expect(items[0].startsAt.endsWith(firstOffset)).toBe(true);
        expect(items[items.length - 1].startsAt.endsWith(lastOffset)).toBe(true);
        // The last Sunday of March/October is crossed in both zones; UTC instants really moved.
        const utcHours = new Set(items.map((s) => new Date(s.startsAt).getUTCHours()));
        expect(utcHours.size).toBe(2);
        const rows = await t.dataSource.query(
          `SELECT count(DISTINCT series_id)::int AS series, count(*)::int AS n FROM class_sessions WHERE series_id = $1`,
          [items[0].seriesId],
        );
        expect(rows[0]).toEqual({ series: 1, n: items.length });
      },
    );

    it('validates a series: times, ranges, weekdays, the 400-session cap', async () => {
      const base = { weekdays: [1, 3], startTime: '09:00', endTime: '10:30', from: '2030-01-01', to: '2030-01-31' };
      const cases: [object, string, string?][] = [
        [{ ...base, endTime: '09:00' }, 'sessions/invalid-series', 'series.endTime'],
        [{ ...base, startTime: '06:00', endTime: '18:30' }, 'sessions/invalid-series', 'series.endTime'],
        [{ ...base, from: '2030-02-01' }, 'sessions/invalid-series', 'series.to'],
        [{ ...base, from: '2030-02-30' }, 'sessions/invalid-series', 'series.from'],
        [{ ...base, weekdays: [0] }, 'validation/failed'],
        [{ ...base, weekdays: [8] }, 'validation/failed'],
        [{ ...base, weekdays: [] }, 'validation/failed'],
        [{ ...base, startTime: '9:00' }, 'validation/failed'],
        [{ ...base, startTime: '24:00' }, 'validation/failed'],
        [
          { ...base, weekdays: [1, 2, 3, 4, 5, 6, 7], from: '2030-01-01', to: '2031-12-31' },
          'sessions/series-too-long',
        ],
        [{ ...base, weekdays: [1, 2, 3, 4, 5], to: '2040-12-31' }, 'sessions/series-too-long'],
      ];
      for (const [series, code, field] of cases) {
        const res = await createSeries(teacherA, courseA.id, series).expect(400);
        expect(res.body.code).toBe(code);
        if (field) expect(res.body.details[0].field).toBe(field);
      }
      const ok = await createSeries(teacherA, courseB.id, {
        ...base,
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        from: '2031-01-01',
        to: '2032-02-04',
      })
        .set(admin.auth)
        .expect(201);
      expect(ok.body.items).toHaveLength(400);
      await createSeries(studentIn, courseA.id, base).expect(403);
      await createSeries(teacherB, courseA.id, base).expect(404);
    });
  });

  describe('reading sessions', () => {
    let session: { id: string };
    beforeAll(async () => {
      session = await createSession(t, courseA.id, {
        startsAt: new Date('2029-05-01T09:00:00Z'),
        endsAt: new Date('2029-05-01T10:00:00Z'),
        title: 'Readable',
      });
      await createSession(t, courseB.id, {
        startsAt: new Date('2029-05-01T09:00:00Z'),
        endsAt: new Date('2029-05-01T10:00:00Z'),
        title: 'Other course',
      });
    });

    it('shows a session to members of its course and 404 to others', async () => {
      const expectations: [Actor, number][] = [
        [admin, 200],
        [teacherA, 200],
        [teacherB, 404],
        [studentIn, 200],
        [studentOut, 404],
      ];
      for (const [who, status] of expectations) {
        const res = await t.http.get(`/api/sessions/${session.id}`).set(who.auth).expect(status);
        if (status === 200)
          expect(res.body).toMatchObject({
            id: session.id,
            title: 'Readable',
            courseCode: 'SESA',
            state: 'scheduled',
            startsAt: '2029-05-01T10:00:00.000+01:00',
          });
        else expect(res.body.code).toBe('sessions/not-found');
      }
      await t.http.get('/api/sessions/nope').set(admin.auth).expect(400);
    });

    it('lists a course sessions by range with paging, only for its members', async () => {
      const res = await t.http
        .get(`/api/courses/${courseA.id}/sessions?from=2029-05-01&to=2029-05-02`)
        .set(studentIn.auth)
        .expect(200);
      expect(res.body).toMatchObject({ total: 1, page: 1, items: [{ id: session.id }] });
      await t.http.get(`/api/courses/${courseA.id}/sessions`).set(studentOut.auth).expect(404);
      await t.http.get(`/api/courses/${courseA.id}/sessions`).set(teacherB.auth).expect(404);
      const p1 = await t.http
        .get(`/api/courses/${courseA.id}/sessions?pageSize=3&page=1`)
        .set(teacherA.auth)
        .expect(200);
      const p2 = await t.http
        .get(`/api/courses/${courseA.id}/sessions?pageSize=3&page=2`)
        .set(teacherA.auth)
        .expect(200);
      expect(p1.body.total).toBeGreaterThan(6);
      expect(new Date(p1.body.items[2].startsAt) <= new Date(p2.body.items[0].startsAt)).toBe(true);
      // Overlap: a session running across `from` is listed; one ending exactly at `from` is not.
      const across = await createSession(t, courseA.id, {
        startsAt: new Date('2029-05-09T23:30:00Z'),
        endsAt: new Date('2029-05-10T00:30:00Z'),
      });
      await createSession(t, courseA.id, {
        startsAt: new Date('2029-05-09T22:00:00Z'),
        endsAt: new Date('2029-05-10T00:00:00Z'),
      });
      const overlap = await t.http
        .get(`/api/courses/${courseA.id}/sessions?from=2029-05-10&to=2029-05-11`)
        .set(admin.auth)
        .expect(200);
      expect(overlap.body.items.map((x: Session) => x.id)).toEqual([across.id]);
      const search = await t.http
        .get(`/api/courses/${courseA.id}/sessions?search=readable`)
        .set(admin.auth)
        .expect(200);
      expect(search.body.total).toBe(1);
      await t.http.get(`/api/courses/${courseA.id}/sessions?from=yesterday`).set(admin.auth).expect(400);
      await t.http.get(`/api/courses/${courseA.id}/sessions?pageSize=500`).set(admin.auth).expect(400);
    });

    it('gives each user their calendar: students enrolled courses, teachers taught, admins all', async () => {
      const ids = async (who: Actor) => {
        const res = await t.http
          .get('/api/me/sessions?from=2029-05-01T00:00:00Z&to=2029-05-02T00:00:00Z')
          .set(who.auth)
          .expect(200);
        expect(res.body.truncated).toBe(false);
        return res.body.items.map((s: Session) => s.title);
      };
      expect(await ids(studentIn)).toEqual(['Readable']);
      expect(await ids(studentOut)).toEqual(['Other course']);
      expect(await ids(teacherA)).toEqual(['Readable']);
      expect(await ids(teacherB)).toEqual(['Other course']);
      expect((await ids(admin)).sort()).toEqual(['Other course', 'Readable']);
      const res = await t.http.get('/api/me/sessions?from=2029-05-01&to=2029-05-02').set(studentIn.auth).expect(200);
      expect(res.body.items[0]).toMatchObject({
        courseCode: 'SESA',
        courseName: expect.any(String),
        timezone: 'Europe/Lisbon',
      });
      let bad = await t.http.get('/api/me/sessions?from=2029-01-01&to=2030-01-03').set(studentIn.auth).expect(400);
      expect(bad.body.code).toBe('sessions/range-too-long');
      bad = await t.http.get('/api/me/sessions?from=2029-01-02&to=2029-01-01').set(studentIn.auth).expect(400);
      expect(bad.body.details[0].field).toBe('to');
      await t.http.get('/api/me/sessions?from=2029-01-01').set(studentIn.auth).expect(400);
      await t.http.get('/api/me/sessions').expect(401);
    });
  });

  describe('PATCH /api/sessions/:id', () => {
    it('edits one session (staff only) and refuses time changes on a closed one', async () => {
      const s = await createSession(t, courseA.id, {
        startsAt: new Date('2029-06-01T09:00:00Z'),
        endsAt: new Date('2029-06-01T10:00:00Z'),
      });
      await t.http.patch(`/api/sessions/${s.id}`).set(teacherB.auth).send({ title: 'x' }).expect(404);
      await t.http.patch(`/api/sessions/${s.id}`).set(studentIn.auth).send({ title: 'x' }).expect(403);
      await t.http.patch(`/api/sessions/${s.id}`).set(studentOut.auth).send({ title: 'x' }).expect(404);
      let res = await t.http
        .patch(`/api/sessions/${s.id}`)
        .set(teacherA.auth)
        .send({ title: 'Moved', room: 'C1', endsAt: '2029-06-01T11:00:00+01:00' })
        .expect(200);
      expect(res.body).toMatchObject({
        title: 'Moved',
        room: 'C1',
        startsAt: '2029-06-01T10:00:00.000+01:00',
        endsAt: '2029-06-01T11:00:00.000+01:00',
      });
      res = await t.http
        .patch(`/api/sessions/${s.id}`)
        .set(admin.auth)
        .send({ room: null, startTime: '14:00', endTime: '15:30' })
        .expect(200);
      expect(res.body).toMatchObject({
        room: null,
        title: 'Moved',
        startsAt: '2029-06-01T14:00:00.000+01:00',
        endsAt: '2029-06-01T15:30:00.000+01:00',
      });
      res = await t.http
        .patch(`/api/sessions/${s.id}`)
        .set(teacherA.auth)
        .send({ endsAt: '2029-06-01T13:00:00Z' })
        .expect(400);
      expect(res.body.code).toBe('sessions/invalid-times');
      await t.http
        .patch(`/api/sessions/${s.id}`)
        .set(teacherA.auth)
        .send({ startsAt: '2029-06-01T09:00:00Z', startTime: '09:00' })
        .expect(400);
      await t.http.patch(`/api/sessions/${s.id}?scope=all`).set(teacherA.auth).send({ title: 'x' }).expect(400);
      await t.http.patch(`/api/sessions/${s.id}`).set(teacherA.auth).send({ state: 'closed' }).expect(400);

      const closed = await createSession(t, courseA.id, {
        startsAt: new Date('2029-06-02T09:00:00Z'),
        endsAt: new Date('2029-06-02T10:00:00Z'),
        state: 'closed',
      });
      res = await t.http
        .patch(`/api/sessions/${closed.id}`)
        .set(teacherA.auth)
        .send({ startTime: '10:00' })
        .expect(409);
      expect(res.body.code).toBe('sessions/closed');
      res = await t.http
        .patch(`/api/sessions/${closed.id}`)
        .set(teacherA.auth)
        .send({ title: 'Renamed after closing' })
        .expect(200);
      expect(res.body).toMatchObject({ state: 'closed', title: 'Renamed after closing' });
    });

    it('shifts this and the following sessions of a series, keeping local time across DST, leaving earlier ones alone', async () => {
      const created = await createSeries(teacherA, courseA.id, {
        weekdays: [2],
        startTime: '09:00',
        endTime: '10:00',
        from: '2027-03-09',
        to: '2027-04-06',
      }).expect(201);
      const items: Session[] = created.body.items; // Mar 9, 16, 23, 30 (after the DST change on Mar 28), Apr 6
      expect(items).toHaveLength(5);
      const res = await t.http
        .patch(`/api/sessions/${items[2].id}?scope=following`)
        .set(teacherA.auth)
        .send({ startTime: '11:00', endTime: '12:30', room: 'Lab' })
        .expect(200);
      expect(res.body).toMatchObject({ startsAt: '2027-03-23T11:00:00.000+00:00', room: 'Lab' });
      const after = await t.http
        .get(`/api/courses/${courseA.id}/sessions?from=2027-03-01&to=2027-04-10`)
        .set(teacherA.auth)
        .expect(200);
      const byDay = after.body.items.map((s: Session & { room: string | null }) => [
        DateTime.fromISO(s.startsAt, { zone: 'Europe/Lisbon' }).toISODate(),
        localTime(s.startsAt, 'Europe/Lisbon'),
        localTime(s.endsAt, 'Europe/Lisbon'),
        s.room,
      ]);
      expect(byDay).toEqual([
        ['2027-03-09', '09:00', '10:00', null],
        ['2027-03-16', '09:00', '10:00', null],
        ['2027-03-23', '11:00', '12:30', 'Lab'],
        ['2027-03-30', '11:00', '12:30', 'Lab'],
        ['2027-04-06', '11:00', '12:30', 'Lab'],
      ]);
      const bad = await t.http
        .patch(`/api/sessions/${items[2].id}?scope=following`)
        .set(teacherA.auth)
        .send({ startsAt: '2027-03-23T09:00:00Z' })
        .expect(400);
      expect(bad.body.code).toBe('sessions/invalid-times');
    });
  });

  describe('DELETE /api/sessions/:id', () => {
    it('deletes one session (staff only), refusing one with attendance or a justification', async () => {
      const s = await createSession(t, courseA.id, {
        startsAt: new Date('2029-07-01T09:00:00Z'),
        endsAt: new Date('2029-07-01T10:00:00Z'),
      });
      await t.http.delete(`/api/sessions/${s.id}`).set(teacherB.auth).expect(404);
      await t.http.delete(`/api/sessions/${s.id}`).set(studentIn.auth).expect(403);
      await t.http.delete(`/api/sessions/${s.id}`).set(studentOut.auth).expect(404);
      await t.http
        .delete(`/api/sessions/${s.id}`)
        .set(teacherA.auth)
        .expect(200, { deleted: 1, ids: [s.id] });
      await t.http.get(`/api/sessions/${s.id}`).set(teacherA.auth).expect(404);

      const held = await createSession(t, courseA.id);
      await createRecord(t, held.id, studentIn.id, 'present');
      let res = await t.http.delete(`/api/sessions/${held.id}`).set(admin.auth).expect(409);
      expect(res.body).toMatchObject({ code: 'sessions/has-attendance', details: { sessionIds: [held.id] } });
      expect(res.body.message).toMatch(/close it instead/);

      const justified = await createSession(t, courseA.id, {
        startsAt: new Date('2029-07-02T09:00:00Z'),
        endsAt: new Date('2029-07-02T10:00:00Z'),
      });
      await t.dataSource.query(
        `INSERT INTO justifications (session_id, student_id, type, reason) VALUES ($1, $2, 'absence', 'ill')`,
        [justified.id, studentIn.id],
      );
      res = await t.http.delete(`/api/sessions/${justified.id}`).set(teacherA.auth).expect(409);
      expect(res.body.code).toBe('sessions/has-attendance');
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM class_sessions WHERE id = ANY($1::uuid[])`,
        [[held.id, justified.id]],
      );
      expect(n).toBe(2);
    });

    it('deletes this and the following sessions of a series, all or nothing', async () => {
      const created = await createSeries(teacherA, courseA.id, {
        weekdays: [4],
        startTime: '09:00',
        endTime: '10:00',
        from: '2028-01-06',
        to: '2028-02-03',
      }).expect(201);
      const items: Session[] = created.body.items; // 5 Thursdays
      await createRecord(t, items[4].id, studentIn.id, 'absent');
      let res = await t.http.delete(`/api/sessions/${items[2].id}?scope=following`).set(teacherA.auth).expect(409);
      expect(res.body.details.sessionIds).toEqual([items[4].id]);
      let left = await t.http
        .get(`/api/courses/${courseA.id}/sessions?from=2028-01-01&to=2028-03-01`)
        .set(teacherA.auth)
        .expect(200);
      expect(left.body.total).toBe(5);
      await t.dataSource.query(`DELETE FROM attendance_records WHERE session_id = $1`, [items[4].id]);
      res = await t.http.delete(`/api/sessions/${items[2].id}?scope=following`).set(teacherA.auth).expect(200);
      expect(res.body.deleted).toBe(3);
      left = await t.http
        .get(`/api/courses/${courseA.id}/sessions?from=2028-01-01&to=2028-03-01`)
        .set(teacherA.auth)
        .expect(200);
      expect(left.body.items.map((s: Session) => s.id)).toEqual([items[0].id, items[1].id]);
      await t.http
        .delete(`/api/sessions/${items[0].id}?scope=one`)
        .set(admin.auth)
        .expect(200, { deleted: 1, ids: [items[0].id] });
    });
  });
});
