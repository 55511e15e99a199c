import { ServerEvent } from '@sysponto/contracts';
import { NotificationsService } from '../src/modules/notifications/notifications.service.js';
import { createCourse, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

describe('realtime gateway and notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a socket without a valid token', async () => {
    await expect(connectSocket(t.url, undefined)).rejects.toThrow('auth/unauthenticated');
    await expect(connectSocket(t.url, 'not-a-jwt')).rejects.toThrow('auth/unauthenticated');
  });

  it('refuses a browser origin that is not allowed', async () => {
    const student = await actor(t, 'student');
    await expect(connectSocket(t.url, student.token, { origin: 'https://evil.example' })).rejects.toBeDefined();
    const ok = await connectSocket(t.url, student.token, { origin: 'http://localhost:5173' });
    ok.close();
    // A page served by this server at the address the browser used (a classroom network's IP, not in CORS_ORIGINS):
    // same-origin, allowed; another host on the same port is not.
    const origin = new URL(t.url).origin;
    expect(t.config.corsOrigins).not.toContain(origin);
    const same = await connectSocket(t.url, student.token, { origin });
    same.close();
    await expect(
      connectSocket(t.url, student.token, { origin: origin.replace('127.0.0.1', '192.168.1.23') }),
    ).rejects.toBeDefined();
  });

  it('lets only the course teachers and admins watch a session', async () => {
    const teacher = await actor(t, 'teacher');
    const other = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const admin = await actor(t, 'admin');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id);
    for (const [who, expected] of [
      [teacher, true],
      [admin, true],
      [other, false],
      [student, false],
    ] as const) {
      const s = await connectSocket(t.url, who.token);
      const ack = await watch(s, session.id);
      expect(ack.ok).toBe(expected);
      s.close();
    }
  });

  it('pushes a created notification to its owner and lists it', async () => {
    const student = await actor(t, 'student');
    const s = await connectSocket(t.url, student.token);
    const received = nextEvent(s, ServerEvent.NotificationCreated);
    await t.app.get(NotificationsService).notify([
      {
        userId: student.id,
        type: 'course.enrolled',
        params: { courseCode: 'HI101', courseName: 'Hello' },
        link: '/x',
      },
    ]);
    await expect(received).resolves.toMatchObject({
      title: 'Enrolled in HI101',
      params: { courseCode: 'HI101', courseName: 'Hello' },
      link: '/x',
    });
    s.close();

    // Each reader gets the texts in their own language: live and in the list; the stored row is not changed.
    await t.http.patch('/api/me').set(student.auth).send({ locale: 'pt' }).expect(200);
    const s2 = await connectSocket(t.url, student.token);
    const live = nextEvent(s2, ServerEvent.NotificationCreated);
    await t.app
      .get(NotificationsService)
      .notify([
        { userId: student.id, type: 'course.enrolled', params: { courseCode: 'HI102', courseName: 'Olá' }, link: '/x' },
      ]);
    await expect(live).resolves.toMatchObject({ title: 'Inscrito em HI102' });
    s2.close();
    const inPt = await t.http.get('/api/notifications').set(student.auth).expect(200);
    expect(inPt.body.items.map((n: { title: string }) => n.title)).toEqual(['Inscrito em HI102', 'Inscrito em HI101']);
    // A row from before (no params) keeps its stored text.
    await t.dataSource.query(
      `INSERT INTO notifications (user_id, type, title, body, created_at) VALUES ($1, 'attendance.validated', 'Old title', 'Old body', now() - interval '1 day')`,
      [student.id],
    );
    const withOld = await t.http.get('/api/notifications').set(student.auth).expect(200);
    expect(withOld.body.items[2]).toMatchObject({ title: 'Old title', body: 'Old body', params: null });
    await t.dataSource.query(`DELETE FROM notifications WHERE user_id = $1`, [student.id]);
    await t.app.get(NotificationsService).notify([
      {
        userId: student.id,
        type: 'course.enrolled',
        params: { courseCode: 'HI101', courseName: 'Hello' },
        link: '/x',
      },
    ]);

    const list = await t.http.get('/api/notifications?unread=true').set(student.auth).expect(200);
    expect(list.body).toMatchObject({ total: 1, unreadCount: 1 });
    const id = list.body.items[0].id;
    const other = await actor(t, 'student');
    await t.http.post(`/api/notifications/${id}/read`).set(other.auth).expect(404);
    await t.http.post(`/api/notifications/${id}/read`).set(student.auth).expect(200);
    const after = await t.http.get('/api/notifications').set(student.auth).expect(200);
    expect(after.body.unreadCount).toBe(0);
    await t.http.post('/api/notifications/read-all').set(student.auth).expect(200, { updated: 0 });
  });
});
