import { parse } from 'csv-parse/sync';
import { MailAlertsService } from '../src/modules/mail/mail-alerts.service.js';
import { rateOf } from '../src/modules/reports/report-math.js';
import { createCourse, createRecord, createSession, enroll } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';

const DAY = 24 * 60 * 60_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/**
 * One rate everywhere (issue 13): a student enrolled mid-term, who left and came back, seen through every place that
 * shows a rate — the course report, the student's report and history, the admin overview, the CSV export and the
 * warning mail — gets the same figures, counted only at sessions that started while enrolled.
 */
describe('attendance rates: one definition, the enrollment window', () => {
  let t: TestApp;
  type Actor = Awaited<ReturnType<typeof actor>>;
  let teacher: Actor, admin: Actor, mia: Actor;
  let bo: { id: string };
  let course: { id: string; code: string };
  const s: Record<string, string> = {};
  const saved = { ...process.env };

  beforeAll(async () => {
    // SMTP_URL only turns the outbox on: nothing is delivered in this test, the queued rows are read. (The mail
    // settings are read from process.env, like in mail.e2e-spec.ts.)
    const mailEnv = { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_POLL_INTERVAL_MS: '3600000' };
    Object.assign(process.env, mailEnv);
    t = await createTestApp(mailEnv);
    teacher = await actor(t, 'teacher');
    admin = await actor(t, 'admin');
    mia = await actor(t, 'student', { fullName: 'Mia Midterm', studentNumber: 'M001' });
    bo = await createUser(t, { fullName: 'Bo Always', studentNumber: 'M002' });
    course = await createCourse(t, { code: 'RATE101', teacherIds: [teacher.id], studentIds: [bo.id] });

    const session = async (key: string, daysAgo: number, state: 'closed' | 'scheduled' | 'cancelled' = 'closed') => {
      const startsAt = ago(daysAgo);
      s[key] = (
        await createSession(t, course.id, {
          startsAt,
          endsAt: new Date(startsAt.getTime() + 90 * 60_000),
          state,
          title: key,
        })
      ).id;
    };
    await session('S1', 28);
    await session('S2', 26);
    await session('S3', 24);
    await session('S4', 22, 'scheduled'); // ended, never closed: held
    await session('S5', 20);
    await session('S6', 18);
    await session('SC', 17, 'cancelled');
    await session('S7', 14);
    await session('S8', 10);
    await session('S9', 8);
    await session('S10', -2, 'scheduled'); // in two days

    // Mia joins on day −25 (an admin backdates the enrollment through the API), leaves on day −16, returns on day −12.
    await t.http
      .post(`/api/courses/${course.id}/enrollments`)
      .set(admin.auth)
      .send({ studentIds: [mia.id], enrolledAt: ago(25).toISOString() })
      .expect(200);
    await t.dataSource.query(
      `UPDATE enrollments SET ended_at = $3 WHERE course_id = $1 AND student_id = $2 AND ended_at IS NULL`,
      [course.id, mia.id, ago(16)],
    );
    const back = await t.http
      .post(`/api/courses/${course.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [mia.id], enrolledAt: ago(12).toISOString() })
      .expect(200);
    expect(back.body.added).toBe(1);

    // An absence written for Mia before she was enrolled (what the old closing did to late enrollees): never counted.
    await createRecord(t, s.S1, mia.id, 'absent', { source: 'auto-close', checkedInAt: null });
    await createRecord(t, s.S3, mia.id, 'present');
    await createRecord(t, s.S4, mia.id, 'pending');
    // S5: no record, held → absent.
    await createRecord(t, s.S6, mia.id, 'excused', { source: 'justification', checkedInAt: null });
    // S7: while she was away → not expected.
    await createRecord(t, s.S8, mia.id, 'late');
    await createRecord(t, s.S9, mia.id, 'absent', { source: 'teacher', checkedInAt: null });
    for (const k of ['S1', 'S2', 'S3', 'S5', 'S6', 'S7', 'S8', 'S9']) await createRecord(t, s[k], bo.id, 'present');
  }, 180_000);
  afterAll(async () => {
    await t.close();
    process.env = saved;
  });

  // held: S3 S4 S5 S6 S8 S9; attended: S3 (present) S4 (pending) S8 (late); excused S6 → 3 ÷ (6 − 1)
  const MIA = { held: 6, present: 1, late: 1, absent: 2, excused: 1, pending: 1, rate: 0.6 };

  it('gives the same figures in the course report, my report, my history, the overview, the CSV and the mail', async () => {
    const report = await t.http.get(`/api/reports/courses/${course.id}`).set(teacher.auth).expect(200);
    const row = report.body.students.find((x: { studentId: string }) => x.studentId === mia.id);
    expect(row).toMatchObject({ ...MIA, enrolled: true, atRisk: true });
    // Bo: 9 held sessions (S4 ended without a record), 8 present.
    const boRow = report.body.students.find((x: { studentId: string }) => x.studentId === bo.id);
    expect(boRow).toMatchObject({ held: 9, present: 8, absent: 1, rate: 0.8889 });
    expect(report.body.totals).toMatchObject({ heldSessions: 9, expected: 15, present: 9, excused: 1 });
    expect(report.body.rate).toBe(rateOf(3 + 8, 15, 1));
    const cancelled = report.body.sessions.find((x: { sessionId: string }) => x.sessionId === s.SC);
    expect(cancelled).toMatchObject({ state: 'cancelled', held: false, enrolled: 0, rate: null });
    const s1 = report.body.sessions.find((x: { sessionId: string }) => x.sessionId === s.S1);
    expect(s1).toMatchObject({ enrolled: 1, present: 1, absent: 0 });

    const own = await t.http.get(`/api/reports/courses/${course.id}`).set(mia.auth).expect(200);
    expect(own.body.students).toHaveLength(1);
    expect(own.body.students[0]).toMatchObject(MIA);
    expect(own.body.rate).toBe(MIA.rate);

    const me = await t.http.get('/api/reports/me').set(mia.auth).expect(200);
    expect(me.body.courses).toHaveLength(1);
    expect(me.body.courses[0]).toMatchObject({ ...MIA, enrolled: true, atRisk: true });
    expect(me.body.overall).toEqual(MIA);

    const history = await t.http.get('/api/me/attendance?pageSize=50').set(mia.auth).expect(200);
    expect(history.body.courses[0]).toMatchObject(MIA);
    expect(history.body.overall).toEqual(MIA);
    // Only the sessions she was expected at: no S1/S2 (before), S7 (away), SC (cancelled), S10 (not held).
    const titles = Object.fromEntries(Object.entries(s).map(([k, v]) => [v, k]));
    expect(history.body.items.map((i: { sessionId: string }) => titles[i.sessionId])).toEqual([
      'S9',
      'S8',
      'S6',
      'S5',
      'S4',
      'S3',
    ]);
    expect(history.body.items.find((i: { sessionId: string }) => i.sessionId === s.S5)).toMatchObject({
      status: 'absent',
      recorded: false,
    });

    const overview = await t.http.get('/api/reports/overview').set(admin.auth).expect(200);
    const risk = overview.body.atRisk.find((x: { studentId: string }) => x.studentId === mia.id);
    expect(risk).toMatchObject({ courseId: course.id, rate: MIA.rate, held: MIA.held, absent: MIA.absent });
    const courseRow = overview.body.courses.find((c: { courseId: string }) => c.courseId === course.id);
    expect(courseRow).toMatchObject({ students: 2, heldSessions: 9, held: 15, rate: report.body.rate, atRisk: 1 });

    const csv = await t.http.get(`/api/reports/courses/${course.id}/attendance.csv`).set(teacher.auth).expect(200);
    const rows: string[][] = parse(csv.text.slice(1));
    // Columns: the 10 sessions that were not cancelled.
    expect(rows[0].slice(3, -7)).toHaveLength(10);
    const miaCsv = rows.find((r) => r[0] === 'M001')!;
    // S1 S2 S3 S4 S5 S6 S7 S8 S9 S10, then held, present, late, absent, excused, pending, rate %
    expect(miaCsv.slice(3)).toEqual(['', '', 'P', 'C', 'A', 'E', '', 'L', 'A', '', '6', '1', '1', '2', '1', '1', '60']);

    const alerts = t.app.get(MailAlertsService);
    await expect(alerts.scanAttendanceWarnings({ courseId: course.id })).resolves.toBe(1);
    const [mail]: { recipient: string; subject: string }[] = await t.dataSource.query(
      `SELECT recipient, subject FROM mail_outbox WHERE kind = 'attendance.warning'`,
    );
    expect(mail).toEqual({ recipient: mia.email, subject: 'Attendance warning: RATE101 is at 60%' });
  });

  it('computes rateOf (the TypeScript mirror used for chart folds) exactly as attendance_rate in SQL', async () => {
    const cases: [number, number, number][] = [];
    for (let held = 0; held <= 7; held++)
      for (let excused = 0; excused <= held; excused++)
        for (let attended = 0; attended <= held - excused; attended++) cases.push([attended, held, excused]);
    cases.push([2, 3, 0], [1, 3, 0], [200, 300, 7], [1, 7, 0]);
    const sql: { rate: number | null }[] = await t.dataSource.query(
      `SELECT attendance_rate(a, h, e) AS rate FROM unnest($1::int[], $2::int[], $3::int[]) WITH ORDINALITY AS v(a, h, e, i) ORDER BY i`,
      [cases.map((c) => c[0]), cases.map((c) => c[1]), cases.map((c) => c[2])],
    );
    expect(sql.map((r) => r.rate)).toEqual(cases.map(([a, h, e]) => rateOf(a, h, e)));
  });

  it('closes a session with absences only for students enrolled when it started', async () => {
    const early = await createUser(t);
    const k = await createCourse(t, { teacherIds: [teacher.id], studentIds: [early.id] });
    const started = await createSession(t, k.id, { startsAt: new Date(Date.now() - 5 * 60_000) });
    const upcoming = await createSession(t, k.id, { startsAt: new Date(Date.now() + 60_000) });
    const late = await createUser(t);
    await t.http
      .post(`/api/courses/${k.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [late.id] })
      .expect(200);

    const roster = await t.http.get(`/api/sessions/${started.id}/attendance`).set(teacher.auth).expect(200);
    // Until the session is held, whoever is enrolled now is on its roster (they may still check in).
    expect(roster.body.items.map((i: { studentId: string }) => i.studentId).sort()).toEqual([early.id, late.id].sort());

    const closed = await t.http.post(`/api/sessions/${started.id}/close`).set(teacher.auth).expect(200);
    expect(closed.body.markedAbsent).toBe(1);
    const records: { student_id: string }[] = await t.dataSource.query(
      `SELECT student_id FROM attendance_records WHERE session_id = $1`,
      [started.id],
    );
    expect(records.map((r) => r.student_id)).toEqual([early.id]);
    const after = await t.http.get(`/api/sessions/${started.id}/attendance`).set(teacher.auth).expect(200);
    expect(after.body.items.map((i: { studentId: string }) => i.studentId)).toEqual([early.id]);

    const next = await t.http.post(`/api/sessions/${upcoming.id}/close`).set(teacher.auth).expect(200);
    expect(next.body.markedAbsent).toBe(2);
  });

  it('unenrolling ends the enrollment (history kept, figures kept), re-enrolling starts a new one', async () => {
    const sam = await actor(t, 'student');
    const k = await createCourse(t, { teacherIds: [teacher.id] });
    await enroll(t, k.id, [sam.id], ago(30));
    const past = await createSession(t, k.id, { startsAt: ago(3), endsAt: new Date(ago(3).getTime() + 3600_000) });
    await createRecord(t, past.id, sam.id, 'present');

    const live = await createSession(t, k.id, { startsAt: new Date(Date.now() - 5 * 60_000) });
    const code = await t.http.post(`/api/sessions/${live.id}/codes`).set(teacher.auth).send({ mode: 'fixed' });
    expect(code.status).toBe(201);

    await t.http.delete(`/api/courses/${k.id}/enrollments/${sam.id}`).set(teacher.auth).expect(204);
    await t.http.delete(`/api/courses/${k.id}/enrollments/${sam.id}`).set(teacher.auth).expect(404);
    // The check-in function only accepts students enrolled now: the same generic answer as any wrong code.
    const refused = await t.http.post('/api/check-ins').set(sam.auth).send({ code: code.body.code });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('attendance/code-invalid');
    const current = await t.http.get(`/api/courses/${k.id}/enrollments`).set(teacher.auth).expect(200);
    expect(current.body.items).toHaveLength(0);
    // A student who left no longer sees the course, but keeps their history and rate.
    await t.http.get(`/api/courses/${k.id}`).set(sam.auth).expect(404);
    const me = await t.http.get('/api/reports/me').set(sam.auth).expect(200);
    expect(me.body.courses).toEqual([
      expect.objectContaining({ courseId: k.id, enrolled: false, held: 1, present: 1, rate: 1, atRisk: false }),
    ]);
    const report = await t.http.get(`/api/reports/courses/${k.id}`).set(teacher.auth).expect(200);
    expect(report.body.students).toEqual([
      expect.objectContaining({ studentId: sam.id, enrolled: false, held: 1, rate: 1 }),
    ]);

    await t.http
      .post(`/api/courses/${k.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [sam.id] })
      .expect(200);
    await t.http.get(`/api/courses/${k.id}`).set(sam.auth).expect(200);
    const all = await t.http.get(`/api/courses/${k.id}/enrollments?includeEnded=true`).set(teacher.auth).expect(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[0].endedAt).toBeNull();
    expect(all.body.items[1].endedAt).not.toBeNull();
    expect(new Date(all.body.items[0].enrolledAt).getTime()).toBeGreaterThanOrEqual(
      new Date(all.body.items[1].endedAt).getTime(),
    );
    await t.http
      .post(`/api/courses/${k.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [sam.id], enrolledAt: new Date(Date.now() + DAY).toISOString() })
      .expect(400);
  });

  it('cancels a session: reason, students told, never held or counted, no check-in, no closing', async () => {
    const sid = await actor(t, 'student');
    const k = await createCourse(t, { teacherIds: [teacher.id], studentIds: [sid.id] });
    const open = await createSession(t, k.id, { startsAt: new Date(Date.now() - 5 * 60_000) });
    const done = await createSession(t, k.id, { startsAt: ago(2), state: 'closed' });

    await t.http.post(`/api/sessions/${open.id}/cancel`).set(sid.auth).send({ reason: 'x' }).expect(403);
    await t.http.post(`/api/sessions/${open.id}/cancel`).set(teacher.auth).send({ reason: '  ' }).expect(400);
    await t.http.post(`/api/sessions/${open.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201);
    const res = await t.http
      .post(`/api/sessions/${open.id}/cancel`)
      .set(teacher.auth)
      .send({ reason: 'Teacher ill' })
      .expect(200);
    expect(res.body).toMatchObject({ id: open.id, state: 'cancelled', cancelReason: 'Teacher ill' });
    expect(res.body.cancelledAt).toEqual(expect.any(String));
    const again = await t.http.post(`/api/sessions/${open.id}/cancel`).set(teacher.auth).send({ reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('sessions/cancelled');
    const held = await t.http.post(`/api/sessions/${done.id}/cancel`).set(teacher.auth).send({ reason: 'x' });
    expect(held.status).toBe(409);
    expect(held.body.code).toBe('sessions/closed');

    const notes = await t.http.get('/api/notifications').set(sid.auth).expect(200);
    expect(notes.body.items[0]).toMatchObject({ type: 'session.cancelled', link: '/calendar' });
    expect(notes.body.items[0].body).toContain('Teacher ill');
    const seen = await t.http.get(`/api/sessions/${open.id}`).set(sid.auth).expect(200);
    expect(seen.body.state).toBe('cancelled');

    await t.http.get(`/api/sessions/${open.id}/codes/current`).set(teacher.auth).expect(404);
    const code = await t.http.post(`/api/sessions/${open.id}/codes`).set(teacher.auth).send({ mode: 'fixed' });
    expect(code.status).toBe(409);
    const close = await t.http.post(`/api/sessions/${open.id}/close`).set(teacher.auth);
    expect(close.status).toBe(409);
    expect(close.body.code).toBe('attendance/session-cancelled');

    const report = await t.http.get(`/api/reports/courses/${k.id}`).set(teacher.auth).expect(200);
    expect(report.body.totals.heldSessions).toBe(1);
    expect(report.body.students[0]).toMatchObject({ held: 1, absent: 1 });
    expect(report.body.sessions.find((x: { sessionId: string }) => x.sessionId === open.id)).toMatchObject({
      state: 'cancelled',
      held: false,
      enrolled: 0,
    });
  });
});
