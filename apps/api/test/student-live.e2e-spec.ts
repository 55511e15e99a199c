import { ServerEvent, type ServerToClientEvents } from '@sysponto/contracts';
import { createCourse, createRecord, createSession, enroll } from './support/factories.js';
import { connectSocket, nextEvent, type TestSocket } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

type StudentEvent = 'session.opened' | 'session.closed' | 'session.code-changed' | 'session.cancelled';
const STUDENT_EVENTS: StudentEvent[] = [
  ServerEvent.SessionOpened,
  ServerEvent.SessionClosed,
  ServerEvent.SessionCodeChanged,
  ServerEvent.SessionCancelled,
];

/** Every session event a socket receives, in order. */
function collect(socket: TestSocket) {
  const got: { event: StudentEvent; payload: Parameters<ServerToClientEvents[StudentEvent]>[0] }[] = [];
  for (const event of STUDENT_EVENTS)
    (socket as unknown as { on(e: string, cb: (p: never) => void): void }).on(event, (payload) =>
      got.push({ event, payload }),
    );
  return got;
}
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("the student's live views (issue 13)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it("tells the course's enrolled students, and only them, when a session opens, its code changes, it closes or reopens", async () => {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const leaver = await actor(t, 'student');
    const stranger = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id, leaver.id] });
    const session = await createSession(t, course.id);
    const sockets = await Promise.all([student, leaver, stranger].map((u) => connectSocket(t.url, u.token)));
    const [mine, leavers, strangers] = sockets.map(collect);
    try {
      const opened = nextEvent(sockets[0]!, ServerEvent.SessionOpened);
      await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201);
      await expect(opened).resolves.toEqual({ sessionId: session.id, courseId: course.id, state: 'open' });

      // Unenrolled, the leaver hears nothing more of the course.
      await t.http.delete(`/api/courses/${course.id}/enrollments/${leaver.id}`).set(teacher.auth).expect(204);
      const changed = nextEvent(sockets[0]!, ServerEvent.SessionCodeChanged);
      await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201);
      await expect(changed).resolves.toEqual({ sessionId: session.id, courseId: course.id, reason: 'new' });
      const revoked = nextEvent(sockets[0]!, ServerEvent.SessionCodeChanged);
      await t.http.delete(`/api/sessions/${session.id}/codes/current`).set(teacher.auth).expect(204);
      await expect(revoked).resolves.toMatchObject({ sessionId: session.id, reason: 'revoked' });

      const closed = nextEvent(sockets[0]!, ServerEvent.SessionClosed);
      await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
      await expect(closed).resolves.toEqual({ sessionId: session.id, courseId: course.id, state: 'closed' });
      const reopened = nextEvent(sockets[0]!, ServerEvent.SessionOpened);
      await t.http.post(`/api/sessions/${session.id}/reopen`).set(teacher.auth).expect(200);
      await expect(reopened).resolves.toMatchObject({ sessionId: session.id, state: 'open' });
      await settle();

      expect(mine.map((e) => e.event)).toEqual([
        'session.opened',
        'session.code-changed',
        'session.code-changed',
        'session.closed',
        'session.opened',
      ]);
      // Never the code itself.
      expect(JSON.stringify(mine)).not.toMatch(/"code"/);
      expect(leavers.map((e) => e.event)).toEqual(['session.opened']);
      expect(strangers).toEqual([]);
    } finally {
      sockets.forEach((s) => s.close());
    }
  });

  it('lists my state in each session of my calendar, and whether I can justify it now (the filing rule)', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id] });
    await enroll(t, course.id, [student.id], new Date(Date.now() - 60 * 86_400_000));
    const h = 3_600_000;
    const at = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * h);
    const beforeEnrolled = await createSession(t, course.id, { startsAt: at(-62 * 24), title: 'before' });
    const longAgo = await createSession(t, course.id, { startsAt: at(-40 * 24), title: 'long-ago' });
    const present = await createSession(t, course.id, { startsAt: at(-48), title: 'present' });
    const absent = await createSession(t, course.id, { startsAt: at(-26), title: 'absent' });
    const justified = await createSession(t, course.id, { startsAt: at(-24), title: 'justified' });
    const now = await createSession(t, course.id, { title: 'now' });
    const future = await createSession(t, course.id, { startsAt: at(24), title: 'future' });
    const cancelled = await createSession(t, course.id, { startsAt: at(48), title: 'cancelled', state: 'cancelled' });
    await createRecord(t, present.id, student.id, 'present');
    await createRecord(t, absent.id, student.id, 'absent');
    await createRecord(t, justified.id, student.id, 'absent');
    await t.http
      .post('/api/justifications')
      .set(student.auth)
      .field('sessionId', justified.id)
      .field('type', 'absence')
      .field('reason', 'Ill')
      .expect(201);
    // Checked in, awaiting validation: the dashboard shows it after a reload.
    const { body: code } = await t.http
      .post(`/api/sessions/${now.id}/codes`)
      .set(teacher.auth)
      .send({ mode: 'fixed' })
      .expect(201);
    await t.http.post('/api/check-ins').set(student.auth).send({ code: code.code }).expect(201);

    const from = at(-70 * 24).toISOString();
    const to = at(72).toISOString();
    const res = await t.http.get('/api/me/sessions').query({ from, to }).set(student.auth).expect(200);
    const byTitle = Object.fromEntries(
      (
        res.body.items as {
          title: string;
          myStatus: string | null;
          myJustification: string | null;
          canJustify: boolean;
        }[]
      ).map((s) => [s.title, { myStatus: s.myStatus, myJustification: s.myJustification, canJustify: s.canJustify }]),
    );
    expect(byTitle).toEqual({
      // (A session before I enrolled is not in my calendar at all.)
      'long-ago': { myStatus: null, myJustification: null, canJustify: false }, // the window has closed
      present: { myStatus: 'present', myJustification: null, canJustify: false },
      absent: { myStatus: 'absent', myJustification: null, canJustify: true },
      justified: { myStatus: 'absent', myJustification: 'pending', canJustify: false },
      now: { myStatus: 'pending', myJustification: null, canJustify: true },
      future: { myStatus: null, myJustification: null, canJustify: true }, // an absence reported in advance
      cancelled: { myStatus: null, myJustification: null, canJustify: false },
    });
    expect(byTitle.before).toBeUndefined();
    void beforeEnrolled;
    // The calendar's answer is the filing's: what it offers is accepted, what it refuses is refused.
    for (const [s, answer] of [
      [future, 201],
      [longAgo, 'justifications/window-closed'],
      [present, 'justifications/nothing-to-justify'],
      [cancelled, 'justifications/not-expected'],
    ] as const) {
      const r = await t.http
        .post('/api/justifications')
        .set(student.auth)
        .field('sessionId', s.id)
        .field('type', 'absence')
        .field('reason', 'Away');
      expect(r.status === 201 ? 201 : r.body.code).toBe(answer);
    }

    // Staff see their sessions with nothing of their own to justify.
    const staff = await t.http.get('/api/me/sessions').query({ from, to }).set(teacher.auth).expect(200);
    expect(staff.body.items.length).toBeGreaterThan(0);
    for (const s of staff.body.items)
      expect(s).toMatchObject({ myStatus: null, myJustification: null, canJustify: false });
  });
});
