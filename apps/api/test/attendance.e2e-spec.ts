import { ServerEvent, type AttendanceSubmittedPayload } from '@sysponto/contracts';
import { SessionCloseService } from '../src/modules/attendance/session-close.service.js';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { actor, createTestApp, createUser, tokenFor, type TestApp } from './support/test-app.js';

describe('attendance: roster, validation, closing, history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Students without the argon2 login round trip: tokens signed by the app's own AccessTokenService. */
  async function students(n: number, prefix: string) {
    const out: { id: string; fullName: string; auth: { Authorization: string } }[] = [];
    for (let i = 0; i < n; i++) {
      const u = await createUser(t, { role: 'student', fullName: `${prefix} ${String(i).padStart(3, '0')}` });
      out.push({
        id: u.id,
        fullName: u.fullName,
        auth: { Authorization: `Bearer ${tokenFor(t, u.id, 'student')}` },
      });
    }
    return out;
  }

  async function code(auth: Record<string, string>, sessionId: string) {
    return (await t.http.post(`/api/sessions/${sessionId}/codes`).set(auth).send({ mode: 'fixed' }).expect(201)).body
      .code as string;
  }

  it('applies the late rule on validation unless overridden, and keeps every change in the event log', async () => {
    const teacher = await actor(t, 'teacher');
    const [early, late, none] = await students(3, 'Rule');
    const course = await createCourse(t, {
      teacherIds: [teacher.id],
      studentIds: [early.id, late.id, none.id],
      lateAfterMinutes: 10,
    });
    const session = await createSession(t, course.id, { startsAt: new Date(Date.now() - 30 * 60_000) });
    await createRecord(t, session.id, early.id, 'pending', { checkedInAt: new Date(Date.now() - 28 * 60_000) });
    await createRecord(t, session.id, late.id, 'pending', { checkedInAt: new Date(Date.now() - 5 * 60_000) });

    const base = `/api/sessions/${session.id}/attendance`;
    await t.http.patch(`${base}/${early.id}`).set(teacher.auth).send({ status: 'present' }).expect(200);
    const l = await t.http.patch(`${base}/${late.id}`).set(teacher.auth).send({ status: 'present' }).expect(200);
    expect(l.body.status).toBe('late');
    const o = await t.http
      .patch(`${base}/${late.id}`)
      .set(teacher.auth)
      .send({ status: 'present', override: true, note: 'bus strike' })
      .expect(200);
    expect(o.body).toMatchObject({ status: 'present', note: 'bus strike' });
    // A teacher may set a status for a student who never checked in.
    const e = await t.http
      .patch(`${base}/${none.id}`)
      .set(teacher.auth)
      .send({ status: 'excused', note: 'sick' })
      .expect(200);
    expect(e.body).toMatchObject({ status: 'excused', source: 'teacher', checkedInAt: null });

    const roster = await t.http.get(base).set(teacher.auth).expect(200);
    expect(roster.body.counts).toEqual({ pending: 0, present: 2, late: 0, absent: 0, excused: 1, missing: 0 });

    const log = await t.http.get(`${base}/events?studentId=${late.id}`).set(teacher.auth).expect(200);
    expect(
      log.body.items.map((x: { fromStatus: string; toStatus: string; reason: string }) => [
        x.fromStatus,
        x.toStatus,
        x.reason,
      ]),
    ).toEqual([
      ['late', 'present', 'bus strike'],
      ['pending', 'late', 'validated'],
    ]);
    const page = await t.http.get(`${base}/events?pageSize=1&page=2`).set(teacher.auth).expect(200);
    expect(page.body).toMatchObject({ total: 4, page: 2, pageSize: 1 });
    expect(page.body.items).toHaveLength(1);

    // Bad input and strangers.
    await t.http.patch(`${base}/${late.id}`).set(teacher.auth).send({ status: 'pending' }).expect(400);
    await t.http
      .patch(`${base}/${late.id}`)
      .set(teacher.auth)
      .send({ status: 'present', note: 'x'.repeat(501) })
      .expect(400);
    await t.http.patch(`${base}/not-a-uuid`).set(teacher.auth).send({ status: 'present' }).expect(400);
    await t.http.patch(`${base}/${teacher.id}`).set(teacher.auth).send({ status: 'present' }).expect(404);
    await t.http.get(`${base}/events?pageSize=1000`).set(teacher.auth).expect(400);
    const stranger = await actor(t, 'teacher');
    await t.http.patch(`${base}/${late.id}`).set(stranger.auth).send({ status: 'absent' }).expect(404);
    await t.http.get(`${base}/events`).set(stranger.auth).expect(404);
    const admin = await actor(t, 'admin');
    await t.http.get(`${base}/events`).set(admin.auth).expect(200);
  });

  it('validates all pending check-ins at once and pushes one update per student', async () => {
    const teacher = await actor(t, 'teacher');
    const group = await students(5, 'Bulk');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: group.map((s) => s.id) });
    const session = await createSession(t, course.id);
    for (const s of group.slice(0, 4)) await createRecord(t, session.id, s.id, 'pending');
    const socket = await connectSocket(t.url, teacher.token);
    await watch(socket, session.id);
    const seen: string[] = [];
    socket.on(ServerEvent.AttendanceUpdated, (p) => seen.push(p.studentId));
    const res = await t.http.post(`/api/sessions/${session.id}/attendance/validate-all`).set(teacher.auth).expect(200);
    expect(res.body).toEqual({ updated: 4 });
    await new Promise((r) => setTimeout(r, 200));
    socket.close();
    expect(seen.sort()).toEqual(
      group
        .slice(0, 4)
        .map((s) => s.id)
        .sort(),
    );
    const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body.counts).toMatchObject({ present: 4, missing: 1 });
    expect(roster.body.items[0].studentId).toBe(group[4].id); // missing first
    await t.http
      .post(`/api/sessions/${session.id}/attendance/validate-all`)
      .set(teacher.auth)
      .expect(200, { updated: 0 });
  });

  it('checks in 200 students at once: 200 records, 200 events, 200 pushes to the teacher', async () => {
    const teacher = await actor(t, 'teacher');
    const group = await students(200, 'Crowd');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: group.map((s) => s.id) });
    const session = await createSession(t, course.id);
    const c = await code(teacher.auth, session.id);
    const socket = await connectSocket(t.url, teacher.token);
    await watch(socket, session.id);
    const received = new Set<string>();
    const all = new Promise<void>((resolve) => {
      socket.on(ServerEvent.AttendanceSubmitted, (p: AttendanceSubmittedPayload) => {
        received.add(p.studentId);
        if (received.size === 200) resolve();
      });
    });
    const results = await Promise.all(group.map((s) => t.http.post('/api/check-ins').set(s.auth).send({ code: c })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(200);
    await Promise.race([
      all,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${received.size} pushes`)), 10_000)),
    ]);
    socket.close();
    const [{ records, events }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM attendance_records WHERE session_id = $1) AS records, (SELECT count(*)::int FROM attendance_events WHERE session_id = $1) AS events`,
      [session.id],
    );
    expect({ records, events, pushes: received.size }).toEqual({ records: 200, events: 200, pushes: 200 });
  });

  it('closing validates the pending, marks the rest absent, notifies them, and happens once', async () => {
    const teacher = await actor(t, 'teacher');
    const group = await students(4, 'Close');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: group.map((s) => s.id) });
    const session = await createSession(t, course.id);
    await createRecord(t, session.id, group[0].id, 'pending');
    await createRecord(t, session.id, group[1].id, 'excused', { source: 'teacher', checkedInAt: null });
    const c = await code(teacher.auth, session.id);

    const studentSocket = await connectSocket(t.url, tokenFor(t, group[3].id, 'student'));
    const updated = nextEvent(studentSocket, ServerEvent.AttendanceUpdated);
    const notified = nextEvent(studentSocket, ServerEvent.NotificationCreated);
    const res = await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    expect(res.body).toMatchObject({ sessionId: session.id, state: 'closed', validated: 1, markedAbsent: 2 });
    await expect(updated).resolves.toEqual({
      sessionId: session.id,
      studentId: group[3].id,
      status: 'absent',
      previousStatus: null,
      source: 'teacher',
    });
    await expect(notified).resolves.toMatchObject({ type: 'attendance.updated' });
    studentSocket.close();

    const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body).toMatchObject({ state: 'closed', missing: 0, counts: { present: 1, absent: 2, excused: 1 } });
    expect(roster.body.items.filter((i: { source: string }) => i.source === 'teacher')).toHaveLength(3);
    const again = await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(409);
    expect(again.body.code).toBe('attendance/session-closed');
    await t.http.post('/api/check-ins').set(group[2].auth).send({ code: c }).expect(410);
    await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(409);
    // Overrides still work after closing.
    await t.http
      .patch(`/api/sessions/${session.id}/attendance/${group[2].id}`)
      .set(teacher.auth)
      .send({ status: 'excused' })
      .expect(200);

    const future = await createSession(t, course.id, { startsAt: new Date(Date.now() + 3 * 3600_000) });
    const early = await t.http.post(`/api/sessions/${future.id}/close`).set(teacher.auth).expect(409);
    expect(early.body.code).toBe('attendance/session-not-started');
  });

  it('leaves no pending record behind when check-ins race a close', async () => {
    const teacher = await actor(t, 'teacher');
    const group = await students(40, 'Race');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: group.map((s) => s.id) });
    const session = await createSession(t, course.id);
    const c = await code(teacher.auth, session.id);
    const checkIns = group.map((s) => t.http.post('/api/check-ins').set(s.auth).send({ code: c }));
    const close = t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth);
    const [closed, ...answers] = await Promise.all([close, ...checkIns]);
    expect(closed.status).toBe(200);
    const accepted = answers.filter((a) => a.status === 201).length;
    expect(
      [...new Set(answers.map((a) => `${a.status} ${a.body.code ?? ''}`))].filter(
        (x) => !/^(201|200|409|410) /.test(x),
      ),
    ).toEqual([]);
    const rows: { status: string; n: number }[] = await t.dataSource.query(
      `SELECT status, count(*)::int AS n FROM attendance_records WHERE session_id = $1 GROUP BY status`,
      [session.id],
    );
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by.pending).toBeUndefined();
    expect((by.present ?? 0) + (by.late ?? 0) + (by.absent ?? 0)).toBe(40);
    // Check-ins that committed before the close were validated by it; the rest were refused.
    expect((by.present ?? 0) + (by.late ?? 0)).toBe(accepted);
    const [{ events }] = await t.dataSource.query(
      `SELECT count(*)::int AS events FROM attendance_events WHERE session_id = $1`,
      [session.id],
    );
    expect(events).toBe(2 * accepted + (by.absent ?? 0));
  });

  it('answers every check-in correctly while the teacher validates at the same time', async () => {
    const teacher = await actor(t, 'teacher');
    const group = await students(30, 'Busy');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: group.map((s) => s.id) });
    const session = await createSession(t, course.id);
    const c = await code(teacher.auth, session.id);
    const answers = await Promise.all([
      ...group.slice(0, 20).map((s) => t.http.post('/api/check-ins').set(s.auth).send({ code: c })),
      ...group
        .slice(20)
        .map((s) =>
          t.http.patch(`/api/sessions/${session.id}/attendance/${s.id}`).set(teacher.auth).send({ status: 'excused' }),
        ),
      t.http.post(`/api/sessions/${session.id}/attendance/validate-all`).set(teacher.auth),
    ]);
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body.missing).toBe(0);
    expect(roster.body.counts.excused).toBe(10);
  });

  it('auto-closes an ended session exactly once even when two runs race', async () => {
    const group = await students(3, 'Auto');
    const course = await createCourse(t, { studentIds: group.map((s) => s.id), lateAfterMinutes: 10 });
    const ended = await createSession(t, course.id, {
      startsAt: new Date(Date.now() - 120 * 60_000),
      endsAt: new Date(Date.now() - 60_000),
    });
    const running = await createSession(t, course.id);
    await createRecord(t, ended.id, group[0].id, 'pending', { checkedInAt: new Date(Date.now() - 100 * 60_000) });
    // It existed while it ran; another one was created after its end (recorded afterwards) and is left alone.
    await t.dataSource.query(`UPDATE class_sessions SET created_at = now() - interval '1 day' WHERE id = $1`, [
      ended.id,
    ]);
    const recordedAfterwards = await createSession(t, course.id, {
      startsAt: new Date(Date.now() - 180 * 60_000),
      endsAt: new Date(Date.now() - 120 * 60_000),
    });
    const closer = t.app.get(SessionCloseService);
    const [a, b] = await Promise.all([closer.closeEndedSessions(), closer.closeEndedSessions()]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const rows = await t.dataSource.query(
      `SELECT student_id, status, source FROM attendance_records WHERE session_id = $1`,
      [ended.id],
    );
    expect(rows).toHaveLength(3);
    expect(rows.find((r: { student_id: string }) => r.student_id === group[0].id)).toMatchObject({
      status: 'late',
      source: 'code',
    });
    expect(
      rows.filter((r: { status: string; source: string }) => r.status === 'absent' && r.source === 'auto-close'),
    ).toHaveLength(2);
    const [{ events, closed }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM attendance_events WHERE session_id = $1) AS events,
              (SELECT count(*)::int FROM class_sessions WHERE id = $1 AND state = 'closed' AND closed_by IS NULL) AS closed`,
      [ended.id],
    );
    expect({ events, closed }).toEqual({ events: 3, closed: 1 });
    const [{ state }] = await t.dataSource.query(`SELECT state FROM class_sessions WHERE id = $1`, [running.id]);
    expect(state).not.toBe('closed');
    const [{ state: left }] = await t.dataSource.query(`SELECT state FROM class_sessions WHERE id = $1`, [
      recordedAfterwards.id,
    ]);
    expect(left).not.toBe('closed');
    await expect(closer.closeEndedSessions()).resolves.toBe(0);
  });

  it('gives students their history and rates (held sessions without a record count absent)', async () => {
    const [me, other] = await students(2, 'History');
    const teacher = await actor(t, 'teacher');
    const a = await createCourse(t, { code: 'HIST-A', teacherIds: [teacher.id], studentIds: [me.id, other.id] });
    const b = await createCourse(t, { code: 'HIST-B', studentIds: [me.id] });
    const past = (h: number) => ({
      startsAt: new Date(Date.now() - h * 3600_000),
      endsAt: new Date(Date.now() - h * 3600_000 + 3600_000),
    });
    const s1 = await createSession(t, a.id, { ...past(100), state: 'closed' });
    const s2 = await createSession(t, a.id, { ...past(80), state: 'closed' });
    const s3 = await createSession(t, a.id, { ...past(60), state: 'closed' });
    const s4 = await createSession(t, a.id, past(40)); // ended, not closed yet, no record → absent
    await createSession(t, a.id, { startsAt: new Date(Date.now() + 48 * 3600_000) }); // future: not held
    const s6 = await createSession(t, b.id, { ...past(20), state: 'closed' });
    const now = await createSession(t, b.id); // open now, pending
    await createRecord(t, s1.id, me.id, 'present');
    await createRecord(t, s2.id, me.id, 'late');
    await createRecord(t, s3.id, me.id, 'excused');
    await createRecord(t, s6.id, me.id, 'present');
    await createRecord(t, now.id, me.id, 'pending');
    await createRecord(t, s1.id, other.id, 'absent');

    const res = await t.http.get('/api/me/attendance').set(me.auth).expect(200);
    const courseA = res.body.courses.find((c: { courseCode: string }) => c.courseCode === 'HIST-A');
    expect(courseA).toMatchObject({ held: 4, present: 1, late: 1, excused: 1, absent: 1, pending: 0 });
    expect(courseA.rate).toBeCloseTo(2 / 3);
    expect(res.body.overall).toMatchObject({ held: 5, present: 2, late: 1, excused: 1, absent: 1 });
    expect(res.body.overall.rate).toBeCloseTo(3 / 4);
    expect(res.body.total).toBe(6); // 4 held in A, 1 held in B, the open one with a record
    expect(res.body.items[0]).toMatchObject({ sessionId: now.id, status: 'pending', recorded: true });
    expect(res.body.items.find((i: { sessionId: string }) => i.sessionId === s4.id)).toMatchObject({
      status: 'absent',
      recorded: false,
      source: null,
    });

    const filtered = await t.http.get(`/api/me/attendance?courseId=${a.id}&status=absent`).set(me.auth).expect(200);
    expect(filtered.body.items.map((i: { sessionId: string }) => i.sessionId)).toEqual([s4.id]);
    const ranged = await t.http
      .get(
        `/api/me/attendance?from=${encodeURIComponent(new Date(Date.now() - 90 * 3600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 50 * 3600_000).toISOString())}`,
      )
      .set(me.auth)
      .expect(200);
    expect(ranged.body.items.map((i: { sessionId: string }) => i.sessionId)).toEqual([s3.id, s2.id]);
    const paged = await t.http.get('/api/me/attendance?pageSize=2&page=3').set(me.auth).expect(200);
    expect(paged.body.items).toHaveLength(2);

    await t.http.get('/api/me/attendance?status=weird').set(me.auth).expect(400);
    await t.http.get('/api/me/attendance?from=yesterday').set(me.auth).expect(400);
    await t.http.get('/api/me/attendance').set(teacher.auth).expect(403);
  });
});
