import { ServerEvent } from '@sysponto/contracts';
import { SessionCloseService } from '../src/modules/attendance/session-close.service.js';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

describe('sessions: reopen (POST /api/sessions/:id/reopen)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reopens a closed session with a fresh code, keeps the absences, logs and audits it', async () => {
    const teacher = await actor(t, 'teacher');
    const [came, missed] = [await actor(t, 'student'), await actor(t, 'student')];
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [came.id, missed.id] });
    const session = await createSession(t, course.id);
    await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'rotating' }).expect(201);
    await createRecord(t, session.id, came.id, 'pending');
    await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);

    const socket = await connectSocket(t.url, teacher.token);
    await expect(watch(socket, session.id)).resolves.toEqual({ ok: true });
    const rotated = nextEvent(socket, ServerEvent.CodeRotated);
    const res = await t.http.post(`/api/sessions/${session.id}/reopen`).set(teacher.auth).expect(200);
    expect(res.body).toMatchObject({ sessionId: session.id, state: 'open', code: { mode: 'rotating' } });
    // The same push as generating a code: the live page shows the new code.
    await expect(rotated).resolves.toMatchObject({ sessionId: session.id, code: res.body.code.code, mode: 'rotating' });
    socket.close();

    const got = await t.http.get(`/api/sessions/${session.id}`).set(teacher.auth).expect(200);
    expect(got.body).toMatchObject({ state: 'open', closedAt: null });
    const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body).toMatchObject({ state: 'open', counts: { present: 1, absent: 1 } });

    // The absence set by the close stays: a check-in answers the existing record until the teacher changes it.
    const checkIn = await t.http.post('/api/check-ins').set(missed.auth).send({ code: res.body.code.code });
    expect(checkIn.status).toBeLessThan(300);
    expect(checkIn.body).toMatchObject({ status: 'absent', alreadyCheckedIn: true });
    await t.http
      .patch(`/api/sessions/${session.id}/attendance/${missed.id}`)
      .set(teacher.auth)
      .send({ status: 'present' })
      .expect(200);

    const log = await t.http.get(`/api/sessions/${session.id}/attendance/events`).set(teacher.auth).expect(200);
    const reopened = log.body.items.filter((e: { reason: string | null }) => e.reason === 'session reopened');
    expect(
      reopened.map((e: { studentId: string; fromStatus: string; toStatus: string }) => [
        e.studentId,
        e.fromStatus,
        e.toStatus,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [came.id, 'present', 'present'],
        [missed.id, 'absent', 'absent'],
      ]),
    );
    const audit: { action: string; actor_id: string }[] = await t.dataSource.query(
      `SELECT action, actor_id FROM audit_events WHERE target_id = $1 AND action = 'session.reopened'`,
      [session.id],
    );
    expect(audit).toEqual([{ action: 'session.reopened', actor_id: teacher.id }]);

    const again = await t.http.post(`/api/sessions/${session.id}/reopen`).set(teacher.auth).expect(409);
    expect(again.body.code).toBe('attendance/session-not-closed');
    // Closing again works and keeps what the teacher changed.
    const closed = await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    expect(closed.body).toMatchObject({ validated: 0, markedAbsent: 0 });
  });

  it('is for the teachers of the course and admins only, and only for a closed session', async () => {
    const teacher = await actor(t, 'teacher');
    const other = await actor(t, 'teacher');
    const admin = await actor(t, 'admin');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id, { state: 'closed' });
    const scheduled = await createSession(t, course.id, { startsAt: new Date(Date.now() + 86_400_000) });
    const cancelled = await createSession(t, course.id, { state: 'cancelled' });

    await t.http.post(`/api/sessions/${session.id}/reopen`).set(other.auth).expect(404);
    await t.http.post(`/api/sessions/${session.id}/reopen`).set(student.auth).expect(403);
    await t.http.post(`/api/sessions/${session.id}/reopen`).expect(401);
    for (const s of [scheduled, cancelled]) {
      const r = await t.http.post(`/api/sessions/${s.id}/reopen`).set(teacher.auth).expect(409);
      expect(r.body.code).toBe('attendance/session-not-closed');
    }
    const res = await t.http.post(`/api/sessions/${session.id}/reopen`).set(admin.auth).expect(200);
    // Never had a code: the fresh one is fixed.
    expect(res.body).toMatchObject({ state: 'open', code: { mode: 'fixed' } });
  });

  it('a session reopened after its end waits for its teacher to close it (no automatic close)', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const startsAt = new Date(Date.now() - 3 * 3600_000);
    const session = await createSession(t, course.id, { startsAt, endsAt: new Date(startsAt.getTime() + 3600_000) });
    // Created before its end, so the automatic close takes it (back-date the creation: it was planned ahead).
    await t.dataSource.query(`UPDATE class_sessions SET created_at = $2 WHERE id = $1`, [
      session.id,
      new Date(startsAt.getTime() - 86_400_000),
    ]);
    const closer = t.app.get(SessionCloseService);
    await closer.closeEndedSessions();
    const [{ state }] = await t.dataSource.query(`SELECT state FROM class_sessions WHERE id = $1`, [session.id]);
    expect(state).toBe('closed');

    const res = await t.http.post(`/api/sessions/${session.id}/reopen`).set(teacher.auth).expect(200);
    expect(res.body).toMatchObject({ state: 'scheduled', code: null });
    await closer.closeEndedSessions();
    const [after] = await t.dataSource.query(`SELECT state FROM class_sessions WHERE id = $1`, [session.id]);
    expect(after.state).toBe('scheduled');
    // The absence stays; the teacher fixes it and closes.
    await t.http
      .patch(`/api/sessions/${session.id}/attendance/${student.id}`)
      .set(teacher.auth)
      .send({ status: 'excused' })
      .expect(200);
    await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    const [rec] = await t.dataSource.query(
      `SELECT status FROM attendance_records WHERE session_id = $1 AND student_id = $2`,
      [session.id, student.id],
    );
    expect(rec.status).toBe('excused');
  });
});
