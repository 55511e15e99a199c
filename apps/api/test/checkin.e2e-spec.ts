import { CODE_ALPHABET, ServerEvent } from '@sysponto/contracts';
import { AttendanceClock } from '../src/modules/attendance/attendance-clock.js';
import { AttendanceTimers } from '../src/modules/attendance/attendance-timers.js';
import { CheckInBatcher } from '../src/modules/attendance/check-in-batcher.js';
import { pgPool } from '../src/database/pg-pool.js';
import { rotatingCode, slotOf } from '../src/modules/attendance/attendance-codes.js';
import { createCourse, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

/** A code that is certainly not the given one. */
function otherCode(code: string): string {
  return code.slice(0, 5) + (code[5] === 'A' ? 'B' : 'A');
}

describe('check-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  async function setup(
    over: Parameters<typeof createCourse>[1] = {},
    session: Parameters<typeof createSession>[2] = {},
  ) {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id], ...over });
    const s = await createSession(t, course.id, session);
    return { teacher, student, course, session: s };
  }

  async function fixedCode(
    teacher: { auth: Record<string, string> },
    sessionId: string,
    body: Record<string, unknown> = { mode: 'fixed' },
  ) {
    const res = await t.http.post(`/api/sessions/${sessionId}/codes`).set(teacher.auth).send(body).expect(201);
    return res.body as { code: string; mode: string; expiresAt: string; rotatesAt: string | null; checkInUrl: string };
  }

  it('runs the live flow: watch, check in, submitted, validate, updated + notification', async () => {
    const { teacher, student, session } = await setup();
    const teacherSocket = await connectSocket(t.url, teacher.token);
    const studentSocket = await connectSocket(t.url, student.token);
    try {
      await expect(watch(teacherSocket, session.id)).resolves.toEqual({ ok: true });
      const code = await fixedCode(teacher, session.id);
      expect(code.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
      expect(code.checkInUrl).toBe(`${t.config.publicUrl}/check-in?code=${code.code}`);
      expect(new Date(code.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);

      const submitted = nextEvent(teacherSocket, ServerEvent.AttendanceSubmitted);
      const res = await t.http
        .post('/api/check-ins')
        .set(student.auth)
        .send({ code: code.code.toLowerCase(), via: 'qr' })
        .expect(201);
      expect(res.body).toMatchObject({
        sessionId: session.id,
        studentId: student.id,
        status: 'pending',
        source: 'qr',
        alreadyCheckedIn: false,
      });
      await expect(submitted).resolves.toMatchObject({
        sessionId: session.id,
        studentId: student.id,
        fullName: student.fullName,
        status: 'pending',
      });

      const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
      expect(roster.body).toMatchObject({ total: 1, missing: 0, counts: { pending: 1 }, state: 'open' });
      expect(roster.body.items[0]).toMatchObject({
        studentId: student.id,
        status: 'pending',
        source: 'qr',
        email: student.email,
      });

      const updated = nextEvent(studentSocket, ServerEvent.AttendanceUpdated);
      const roomUpdated = nextEvent(teacherSocket, ServerEvent.AttendanceUpdated);
      const notified = nextEvent(studentSocket, ServerEvent.NotificationCreated);
      const patch = await t.http
        .patch(`/api/sessions/${session.id}/attendance/${student.id}`)
        .set(teacher.auth)
        .send({ status: 'present' })
        .expect(200);
      expect(patch.body).toMatchObject({ studentId: student.id, status: 'present', source: 'qr' });
      expect(patch.body.validatedAt).toBeTruthy();
      await expect(updated).resolves.toEqual({
        sessionId: session.id,
        studentId: student.id,
        status: 'present',
        previousStatus: 'pending',
        source: 'teacher',
      });
      await expect(roomUpdated).resolves.toMatchObject({ studentId: student.id, status: 'present' });
      await expect(notified).resolves.toMatchObject({ type: 'attendance.validated' });

      const list = await t.http.get('/api/notifications').set(student.auth).expect(200);
      expect(list.body.items[0]).toMatchObject({ type: 'attendance.validated' });

      const events = await t.http.get(`/api/sessions/${session.id}/attendance/events`).set(teacher.auth).expect(200);
      expect(events.body.total).toBe(2);
      expect(
        events.body.items.map((e: { fromStatus: string | null; toStatus: string }) => [e.fromStatus, e.toStatus]),
      ).toEqual([
        ['pending', 'present'],
        [null, 'pending'],
      ]);
      expect(events.body.items[0]).toMatchObject({
        source: 'teacher',
        actorId: teacher.id,
        actorName: teacher.fullName,
      });
    } finally {
      teacherSocket.close();
      studentSocket.close();
    }
  });

  it('refuses session.watch to a student and to a teacher of another course, and code routes to them', async () => {
    const { teacher, student, session } = await setup();
    const stranger = await actor(t, 'teacher');
    for (const who of [student, stranger]) {
      const s = await connectSocket(t.url, who.token);
      await expect(watch(s, session.id)).resolves.toMatchObject({ ok: false });
      s.close();
    }
    await t.http.post(`/api/sessions/${session.id}/codes`).set(stranger.auth).send({ mode: 'fixed' }).expect(404);
    await t.http.post(`/api/sessions/${session.id}/codes`).set(student.auth).send({ mode: 'fixed' }).expect(403);
    await t.http.get(`/api/sessions/${session.id}/attendance`).set(stranger.auth).expect(404);
    await t.http.get(`/api/sessions/${session.id}/attendance`).set(student.auth).expect(403);
    await t.http.post('/api/check-ins').set(teacher.auth).send({ code: 'ABCDEF' }).expect(403);
    await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'weird' }).expect(400);
    await t.http
      .post(`/api/sessions/${session.id}/codes`)
      .set(teacher.auth)
      .send({ mode: 'fixed', validityMinutes: 241 })
      .expect(400);
    await t.http
      .post(`/api/sessions/${session.id}/codes`)
      .set(teacher.auth)
      .send({ mode: 'fixed', extra: 1 })
      .expect(400);
    await t.http
      .post('/api/check-ins')
      .set(student.auth)
      .send({ code: 'x'.repeat(40) })
      .expect(400);
    await t.http.post('/api/check-ins').set(student.auth).send({ code: 12 }).expect(400);
  });

  it('gives one generic error for a code of another course (no oracle) and clear ones for own sessions', async () => {
    const a = await setup();
    const b = await setup();
    const codeB = await fixedCode(b.teacher, b.session.id);
    // A's student, code of B's session: same answer as a code that exists nowhere.
    const foreign = await t.http.post('/api/check-ins').set(a.student.auth).send({ code: codeB.code }).expect(400);
    const nowhere = await t.http
      .post('/api/check-ins')
      .set(a.student.auth)
      .send({ code: otherCode(codeB.code) })
      .expect(400);
    expect(foreign.body).toEqual(nowhere.body);
    expect(foreign.body.code).toBe('attendance/code-invalid');

    // Revoked: check-in says expired (own session); the teacher sees no current code.
    const del = await t.http.delete(`/api/sessions/${b.session.id}/codes/current`).set(b.teacher.auth);
    expect(del.body).toEqual({});
    expect(del.status).toBe(204);
    const revoked = await t.http.post('/api/check-ins').set(b.student.auth).send({ code: codeB.code }).expect(410);
    expect(revoked.body.code).toBe('attendance/code-expired');
    await t.http.get(`/api/sessions/${b.session.id}/codes/current`).set(b.teacher.auth).expect(404);
    await t.http.delete(`/api/sessions/${b.session.id}/codes/current`).set(b.teacher.auth).expect(404);

    // Expired by time.
    const c = await setup();
    const codeC = await fixedCode(c.teacher, c.session.id);
    await t.dataSource.query(
      `UPDATE attendance_codes SET expires_at = now() - interval '1 second' WHERE session_id = $1`,
      [c.session.id],
    );
    await t.http.post('/api/check-ins').set(c.student.auth).send({ code: codeC.code }).expect(410);

    // A new code replaces the old one.
    const d = await setup();
    const first = await fixedCode(d.teacher, d.session.id);
    const second = await fixedCode(d.teacher, d.session.id);
    const current = await t.http.get(`/api/sessions/${d.session.id}/codes/current`).set(d.teacher.auth).expect(200);
    expect(current.body.code).toBe(second.code);
    await t.http.post('/api/check-ins').set(d.student.auth).send({ code: first.code }).expect(410);
    await t.http.post('/api/check-ins').set(d.student.auth).send({ code: second.code }).expect(201);
  });

  it('refuses codes outside the check-in window and closed sessions', async () => {
    const later = await setup({}, { startsAt: new Date(Date.now() + 60 * 60_000) });
    await t.http
      .post(`/api/sessions/${later.session.id}/codes`)
      .set(later.teacher.auth)
      .send({ mode: 'fixed' })
      .expect(409);
    // A code made while open, used after the session was closed by the teacher.
    const s = await setup();
    const code = await fixedCode(s.teacher, s.session.id);
    const closed = await t.http.post(`/api/sessions/${s.session.id}/close`).set(s.teacher.auth);
    expect(closed.body).toMatchObject({ state: 'closed' });
    const res = await t.http.post('/api/check-ins').set(s.student.auth).send({ code: code.code });
    // Closing revokes the code: the student hears "expired" for their own session.
    expect(res.status).toBe(410);
    // A code still live while the window has passed → not open.
    const ended = await setup();
    const c2 = await fixedCode(ended.teacher, ended.session.id);
    await t.dataSource.query(
      `UPDATE class_sessions SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 minute' WHERE id = $1`,
      [ended.session.id],
    );
    const late = await t.http.post('/api/check-ins').set(ended.student.auth).send({ code: c2.code }).expect(409);
    expect(late.body.code).toBe('attendance/session-not-open');
  });

  it('limits wrong codes per student: the 5th already says "ask your teacher", then even a valid code is 429', async () => {
    const { teacher, student, session } = await setup();
    const code = await fixedCode(teacher, session.id);
    for (let i = 0; i < 4; i++)
      await t.http
        .post('/api/check-ins')
        .set(student.auth)
        .send({ code: otherCode(code.code) })
        .expect(400);
    const fifth = await t.http
      .post('/api/check-ins')
      .set(student.auth)
      .send({ code: otherCode(code.code) })
      .expect(429);
    expect(fifth.body).toMatchObject({
      code: 'attendance/too-many-attempts',
      message: 'Too many wrong codes. Ask your teacher to let you try again, or to mark you present.',
    });
    expect(fifth.body.message).not.toMatch(/\d/);
    const res = await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(429);
    expect(res.body.code).toBe('attendance/too-many-attempts');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(500);
  });

  it('shows the teacher who is locked out, live; letting them try again clears the limit (audited)', async () => {
    const { teacher, student, session } = await setup();
    const code = await fixedCode(teacher, session.id);
    const teacherSocket = await connectSocket(t.url, teacher.token);
    const studentSocket = await connectSocket(t.url, student.token);
    try {
      await watch(teacherSocket, session.id);
      const lockedOut = nextEvent(teacherSocket, ServerEvent.AttendanceLockedOut);
      for (let i = 0; i < 5; i++)
        await t.http
          .post('/api/check-ins')
          .set(student.auth)
          .send({ code: otherCode(code.code) });
      await expect(lockedOut).resolves.toEqual({
        sessionId: session.id,
        studentId: student.id,
        fullName: expect.any(String),
      });
      // Re-read over REST (after a reload or a reconnect).
      const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
      expect(roster.body.lockedOut).toEqual([student.id]);

      // Only the course's staff, only for a student of the roster.
      const stranger = await actor(t, 'teacher');
      await t.http
        .delete(`/api/sessions/${session.id}/attendance/${student.id}/lockout`)
        .set(stranger.auth)
        .expect(404);
      await t.http.delete(`/api/sessions/${session.id}/attendance/${student.id}/lockout`).set(student.auth).expect(403);
      const outsider = await actor(t, 'student');
      const notOnRoster = await t.http
        .delete(`/api/sessions/${session.id}/attendance/${outsider.id}/lockout`)
        .set(teacher.auth)
        .expect(404);
      expect(notOnRoster.body.code).toBe('attendance/not-enrolled');
      await t.http.delete(`/api/sessions/${session.id}/attendance/not-a-uuid/lockout`).set(teacher.auth).expect(400);

      const clearedForTeacher = nextEvent(teacherSocket, ServerEvent.AttendanceLockoutCleared);
      const clearedForStudent = nextEvent(studentSocket, ServerEvent.AttendanceLockoutCleared);
      const cleared = await t.http
        .delete(`/api/sessions/${session.id}/attendance/${student.id}/lockout`)
        .set(teacher.auth)
        .expect(200);
      expect(cleared.body).toEqual({ wasLockedOut: true });
      await expect(clearedForTeacher).resolves.toEqual({ sessionId: session.id, studentId: student.id });
      await expect(clearedForStudent).resolves.toEqual({ sessionId: session.id, studentId: student.id });
      const after = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
      expect(after.body.lockedOut).toEqual([]);
      const audit = await t.dataSource.query(
        `SELECT actor_id, target_type, summary FROM audit_events WHERE action = 'user.check-in-unlocked' AND target_id = $1`,
        [student.id],
      );
      expect(audit).toEqual([
        {
          actor_id: teacher.id,
          target_type: 'user',
          summary: { sessionId: session.id, wrongCodes: 5, wasLockedOut: true },
        },
      ]);

      // The student checks in with the right code now.
      await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(201);
    } finally {
      teacherSocket.close();
      studentSocket.close();
    }
  });

  it('a teacher can mark a locked-out student present instead; the roster stops listing them', async () => {
    const { teacher, student, session } = await setup();
    const code = await fixedCode(teacher, session.id);
    for (let i = 0; i < 5; i++)
      await t.http
        .post('/api/check-ins')
        .set(student.auth)
        .send({ code: otherCode(code.code) });
    await t.http
      .patch(`/api/sessions/${session.id}/attendance/${student.id}`)
      .set(teacher.auth)
      .send({ status: 'present' })
      .expect(200);
    const roster = await t.http.get(`/api/sessions/${session.id}/attendance`).set(teacher.auth).expect(200);
    expect(roster.body.lockedOut).toEqual([]);
    expect(roster.body.items.find((i: { studentId: string }) => i.studentId === student.id).status).toBe('present');
  });

  it('never throttles valid check-ins: 70 in a row are all answered 2xx', async () => {
    const { teacher, student, session } = await setup({ requiresValidation: false });
    const code = await fixedCode(teacher, session.id);
    const first = await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(201);
    expect(first.body.status).toBe('present');
    for (let i = 0; i < 69; i++) {
      const r = await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(200);
      expect(r.body.alreadyCheckedIn).toBe(true);
    }
  });

  it('marks a check-in late directly when the course does not validate and the late threshold has passed', async () => {
    const { teacher, student, session } = await setup({ requiresValidation: false, lateAfterMinutes: 2 });
    const code = await fixedCode(teacher, session.id);
    const res = await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(201);
    expect(res.body).toMatchObject({ status: 'late', source: 'code' });
  });

  it('accepts a rotating code in the current and the previous slot only', async () => {
    const { teacher, student, session } = await setup();
    const others = await Promise.all([
      actor(t, 'student'),
      actor(t, 'student'),
      actor(t, 'student'),
      actor(t, 'student'),
    ]);
    await t.dataSource.query(
      `INSERT INTO enrollments (course_id, student_id) SELECT course_id, unnest($2::uuid[]) FROM class_sessions WHERE id = $1`,
      [session.id, others.map((o) => o.id)],
    );
    const clock = t.app.get(AttendanceClock);
    // The course defaults: a new code every 15 s, the previous one accepted for 3 s.
    const slotSeconds = 15;
    // Frozen 2 s into a slot: the previous slot is still within its grace.
    const base = (slotOf(Date.now(), slotSeconds) + 1) * slotSeconds * 1000;
    const spy = jest.spyOn(clock, 'now').mockReturnValue(base + 2000);
    try {
      const watcher = await connectSocket(t.url, teacher.token);
      await watch(watcher, session.id);
      const pushed = nextEvent(watcher, ServerEvent.CodeRotated);
      const created = await t.http
        .post(`/api/sessions/${session.id}/codes`)
        .set(teacher.auth)
        .send({ mode: 'rotating' })
        .expect(201);
      expect(created.body).toMatchObject({ mode: 'rotating', rotationSeconds: 15 });
      expect(created.body.rotatesAt).toBe(new Date(base + slotSeconds * 1000).toISOString());
      await expect(pushed).resolves.toMatchObject({ sessionId: session.id, code: created.body.code, mode: 'rotating' });
      watcher.close();

      const [k]: { key_inner: Buffer; key_outer: Buffer }[] = await t.dataSource.query(
        `SELECT key_inner, key_outer FROM attendance_codes WHERE session_id = $1 AND revoked_at IS NULL`,
        [session.id],
      );
      const key = { inner: k.key_inner, outer: k.key_outer };
      const slot = slotOf(base + 2000, slotSeconds);
      expect(created.body.code).toBe(rotatingCode(key, slot));

      await t.http
        .post('/api/check-ins')
        .set(others[0].auth)
        .send({ code: rotatingCode(key, slot + 1) })
        .expect(400); // not yet
      await t.http
        .post('/api/check-ins')
        .set(others[1].auth)
        .send({ code: rotatingCode(key, slot - 2) })
        .expect(410); // two slots ago
      await t.http
        .post('/api/check-ins')
        .set(others[2].auth)
        .send({ code: rotatingCode(key, slot) })
        .expect(201);
      await t.http
        .post('/api/check-ins')
        .set(others[3].auth)
        .send({ code: rotatingCode(key, slot - 1) })
        .expect(201); // in the grace

      // 10 s into the slot, the previous code is refused.
      spy.mockReturnValue(base + 10_000);
      await t.http
        .post('/api/check-ins')
        .set(student.auth)
        .send({ code: rotatingCode(key, slot - 1) })
        .expect(410);
      await t.http
        .post('/api/check-ins')
        .set(student.auth)
        .send({ code: rotatingCode(key, slot) })
        .expect(201);
      const current = await t.http.get(`/api/sessions/${session.id}/codes/current`).set(teacher.auth).expect(200);
      expect(current.body.code).toBe(rotatingCode(key, slot));

      // The next slot: the rotation ticker pushes the new code to the session room.
      spy.mockReturnValue(base + slotSeconds * 1000 + 100);
      const projector = await connectSocket(t.url, teacher.token);
      await watch(projector, session.id);
      const next = nextEvent(projector, ServerEvent.CodeRotated);
      await expect(t.app.get(AttendanceTimers).pushRotations()).resolves.toBeGreaterThanOrEqual(1);
      await expect(next).resolves.toMatchObject({
        sessionId: session.id,
        code: rotatingCode(key, slot + 1),
        rotatesAt: new Date(base + 2 * slotSeconds * 1000).toISOString(),
      });
      projector.close();
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps one record and one event for 20 concurrent check-ins of the same student', async () => {
    const { teacher, student, session } = await setup();
    const code = await fixedCode(teacher, session.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.http.post('/api/check-ins').set(student.auth).send({ code: code.code })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const [{ records }] = await t.dataSource.query(
      `SELECT count(*)::int AS records FROM attendance_records WHERE session_id = $1`,
      [session.id],
    );
    const [{ events }] = await t.dataSource.query(
      `SELECT count(*)::int AS events FROM attendance_events WHERE session_id = $1`,
      [session.id],
    );
    expect({ records, events }).toEqual({ records: 1, events: 1 });
  });

  /** 12 students of a course, 2 students of another course, a teacher watching the first course's session. */
  async function crowd() {
    const { teacher, session, course } = await setup();
    const students = await Promise.all(Array.from({ length: 12 }, () => actor(t, 'student')));
    await t.dataSource.query(`INSERT INTO enrollments (course_id, student_id) SELECT $1, unnest($2::uuid[])`, [
      course.id,
      students.map((s) => s.id),
    ]);
    const outsiders = await Promise.all(Array.from({ length: 2 }, () => actor(t, 'student')));
    const code = await fixedCode(teacher, session.id);
    return { teacher, session, students, outsiders, code };
  }

  /**
   * Holds the single check-in statements on the pg pool until `waiting` more check-ins queue behind them in the
   * batcher, so those leave as one batch whatever the timing; `failBatches` batch statements fail (as a deadlock
   * would) before reaching the database. Returns the statements seen and a restore function.
   */
  function holdCheckIns(waiting: number, failBatches = 0) {
    const pool = pgPool(t.dataSource);
    const batcher = t.app.get(CheckInBatcher);
    const original = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
    const seen = { singles: 0, batches: 0, failed: 0 };
    let released = false;
    const queued = async () => {
      for (let i = 0; !released && batcher.waiting < waiting && i < 500; i++)
        await new Promise((r) => setTimeout(r, 10));
      released = true;
    };
    const spy = jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
      const q = args[0] as string | { text: string };
      const text = typeof q === 'string' ? q : q.text;
      if (!text.includes('attendance_check_in(')) return original(...args);
      if (text.includes('unnest(')) {
        seen.batches++;
        if (seen.failed < failBatches) {
          seen.failed++;
          return Promise.reject(new Error('deadlock detected'));
        }
        return original(...args);
      }
      seen.singles++;
      return queued().then(() => original(...args));
    }) as never);
    return { seen, restore: () => spy.mockRestore() };
  }

  it('batches concurrent check-ins into one statement, each request with its own answer, error and event', async () => {
    const { teacher, session, students, outsiders, code } = await crowd();
    const teacherSocket = await connectSocket(t.url, teacher.token);
    await watch(teacherSocket, session.id);
    const pushed: { studentId: string }[] = [];
    const flagged: { studentId: string }[] = [];
    teacherSocket.on(ServerEvent.AttendanceSubmitted, (e: { studentId: string }) => pushed.push(e));
    teacherSocket.on(ServerEvent.AttendanceFlagged, (e: { studentId: string }) => flagged.push(e));
    const batcher = t.app.get(CheckInBatcher);
    const { inFlight } = t.config.attendance.checkInBatch;
    const before = { ...batcher.stats };
    // Students 0–9 with the right code (student 0 twice; students 1 and 2 from one phone), 10–11 a wrong one, the
    // outsiders (not enrolled) the right one.
    const sends = [
      ...students
        .slice(0, 10)
        .map((s, i) => ({ who: s, code: code.code, deviceId: i === 1 || i === 2 ? 'phone-12' : undefined })),
      { who: students[0], code: code.code, deviceId: undefined },
      ...students.slice(10).map((s) => ({ who: s, code: otherCode(code.code), deviceId: undefined })),
      ...outsiders.map((s) => ({ who: s, code: code.code, deviceId: undefined })),
    ];
    const hold = holdCheckIns(sends.length - inFlight);
    let results: { status: number; body: Record<string, unknown> }[];
    try {
      results = await Promise.all(
        sends.map((x) =>
          t.http
            .post('/api/check-ins')
            .set(x.who.auth)
            .send({ code: x.code, ...(x.deviceId ? { deviceId: x.deviceId } : {}) }),
        ),
      );
    } finally {
      hold.restore();
    }
    // The first `inFlight` went alone, the rest waited and left together as ONE statement.
    expect(hold.seen).toEqual({ singles: inFlight, batches: 1, failed: 0 });
    expect(batcher.stats.calls - before.calls).toBe(sends.length);
    expect(batcher.stats.batches - before.batches).toBe(inFlight + 1);
    expect(batcher.stats.largest).toBeGreaterThanOrEqual(sends.length - inFlight);

    const answers = results.map((r, i) => ({ status: r.status, body: r.body, i }));
    for (const [i, s] of students.slice(1, 10).entries())
      expect(answers[i + 1]).toMatchObject({
        status: 201,
        body: { sessionId: session.id, studentId: s.id, alreadyCheckedIn: false, status: 'pending' },
      });
    // Student 0 twice: one record, the other request answered with it.
    expect([answers[0].status, answers[10].status].sort()).toEqual([200, 201]);
    for (const a of [answers[0], answers[10]])
      expect(a.body).toMatchObject({ sessionId: session.id, studentId: students[0].id });
    expect([answers[0], answers[10]].find((a) => a.status === 200)?.body).toMatchObject({ alreadyCheckedIn: true });
    // Wrong codes and codes of a course the student is not in: each its own generic error.
    for (const a of answers.slice(11))
      expect(a).toMatchObject({ status: 400, body: { code: 'attendance/code-invalid' } });

    const events: { student_id: string }[] = await t.dataSource.query(
      `SELECT student_id FROM attendance_events WHERE session_id = $1`,
      [session.id],
    );
    const checkedIn = students
      .slice(0, 10)
      .map((s) => s.id)
      .sort();
    expect(events.map((r) => r.student_id).sort()).toEqual(checkedIn);
    // The two check-ins from one phone: both records flagged, in the same batch.
    const shared: { student_id: string }[] = await t.dataSource.query(
      `SELECT student_id FROM attendance_records WHERE session_id = $1 AND 'shared-device' = ANY(flags)`,
      [session.id],
    );
    expect(shared.map((r) => r.student_id).sort()).toEqual([students[1].id, students[2].id].sort());
    // One event per new record, pushed after the batch committed; the earlier phone check-in re-flagged live.
    await new Promise((r) => setTimeout(r, 300));
    expect(pushed.map((e) => e.studentId).sort()).toEqual(checkedIn);
    expect(flagged.map((e) => e.studentId)).toHaveLength(1);
    teacherSocket.close();
  });

  it('sends each check-in alone when its batch fails, so each still gets its own answer', async () => {
    const { session, students, code } = await crowd();
    const batcher = t.app.get(CheckInBatcher);
    const { inFlight } = t.config.attendance.checkInBatch;
    const fallbacks = batcher.stats.fallbacks;
    const hold = holdCheckIns(students.length - inFlight, 1);
    let results: { status: number; body: Record<string, unknown> }[];
    try {
      results = await Promise.all(
        students.map((s, i) =>
          t.http
            .post('/api/check-ins')
            .set(s.auth)
            .send({ code: i < 10 ? code.code : otherCode(code.code) }),
        ),
      );
    } finally {
      hold.restore();
    }
    expect(hold.seen).toMatchObject({ batches: 1, failed: 1 });
    // inFlight alone at first, then the failed batch's calls one by one.
    expect(hold.seen.singles).toBe(students.length);
    expect(batcher.stats.fallbacks).toBe(fallbacks + 1);
    expect(results.map((r) => r.status)).toEqual([...Array(10).fill(201), 400, 400]);
    for (const [i, r] of results.slice(0, 10).entries()) expect(r.body).toMatchObject({ studentId: students[i].id });
    const [{ records }] = await t.dataSource.query(
      `SELECT count(*)::int AS records FROM attendance_records WHERE session_id = $1`,
      [session.id],
    );
    expect(records).toBe(10);
  });

  it('replaces the code when a session spends its wrong-code budget, and tells the teacher', async () => {
    const { teacher, session } = await setup();
    const courseId = (await t.dataSource.query(`SELECT course_id FROM class_sessions WHERE id = $1`, [session.id]))[0]
      .course_id;
    const code = await fixedCode(teacher, session.id);
    const guessers = await Promise.all(Array.from({ length: 8 }, () => actor(t, 'student')));
    await t.dataSource.query(`INSERT INTO enrollments (course_id, student_id) SELECT $1, unnest($2::uuid[])`, [
      courseId,
      guessers.map((g) => g.id),
    ]);
    const teacherSocket = await connectSocket(t.url, teacher.token);
    await watch(teacherSocket, session.id);
    const rotated = nextEvent(teacherSocket, ServerEvent.CodeRotated, 10_000);
    const notified = nextEvent(teacherSocket, ServerEvent.NotificationCreated, 10_000);
    let n = 0;
    outer: for (const g of guessers) {
      for (let i = 0; i < 4; i++) {
        await t.http
          .post('/api/check-ins')
          .set(g.auth)
          .send({ code: otherCode(code.code) })
          .expect(400);
        if (++n >= 30) break outer;
      }
    }
    const pushed = await rotated;
    expect(pushed.code).not.toBe(code.code);
    await expect(notified).resolves.toMatchObject({ type: 'attendance.code-rotated' });
    teacherSocket.close();
    const current = await t.http.get(`/api/sessions/${session.id}/codes/current`).set(teacher.auth).expect(200);
    expect(current.body.code).toBe(pushed.code);
  });
});
