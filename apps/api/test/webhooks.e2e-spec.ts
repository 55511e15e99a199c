import { createCourse, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';
import { startReceiver } from './support/webhook-receiver.js';
import { verifyWebhook } from '../src/modules/webhooks/webhook-signature.js';

type Actor = Awaited<ReturnType<typeof actor>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('webhooks', () => {
  let t: TestApp;
  let admin: Actor;
  let teacher: Actor;
  let student: Actor;
  let rx: Receiver;

  beforeAll(async () => {
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_DELAYS_SECONDS: '0,0,0',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_DISABLE_AFTER_FAILURES: '4',
    });
    [admin, teacher, student] = [await actor(t, 'admin'), await actor(t, 'teacher'), await actor(t, 'student')];
    rx = await startReceiver();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const create = async (path: string, events: string[]) => {
    const res = await t.http
      .post('/api/webhooks')
      .set(admin.auth)
      .send({ url: rx.url(path), events })
      .expect(201);
    return res.body as { id: string; secret: string; events: string[]; enabled: boolean };
  };
  const onPath = (path: string) => rx.received.filter((r) => r.path === path);

  it('manages endpoints: the secret once, admins only, http(s) only', async () => {
    const hook = await create('/crud', ['user.created']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(hook).toMatchObject({ enabled: true, events: ['user.created'] });
    const list = await t.http.get('/api/webhooks').set(admin.auth).expect(200);
    expect(list.body.items.find((w: { id: string }) => w.id === hook.id)).not.toHaveProperty('secret');
    const one = await t.http.get(`/api/webhooks/${hook.id}`).set(admin.auth).expect(200);
    expect(one.body).not.toHaveProperty('secret');
    const patched = await t.http
      .patch(`/api/webhooks/${hook.id}`)
      .set(admin.auth)
      .send({ events: ['user.created', 'user.updated'], description: 'SIS' })
      .expect(200);
    expect(patched.body).toMatchObject({ events: ['user.created', 'user.updated'], description: 'SIS' });
    await t.http
      .post('/api/webhooks')
      .set(teacher.auth)
      .send({ url: rx.url(), events: ['user.created'] })
      .expect(403);
    const bad = await t.http
      .post('/api/webhooks')
      .set(admin.auth)
      .send({ url: 'ftp://example.com/x', events: ['user.created'] })
      .expect(400);
    expect(bad.body.code).toBe('webhooks/url-forbidden');
    await t.http
      .post('/api/webhooks')
      .set(admin.auth)
      .send({ url: rx.url(), events: ['nope.happened'] })
      .expect(400);
    // A replay of the creation (Idempotency-Key) never reveals the secret again.
    const key = `wh-${Date.now()}`;
    const body = { url: rx.url('/idem'), events: ['user.created'] };
    const first = await t.http.post('/api/webhooks').set(admin.auth).set('Idempotency-Key', key).send(body).expect(201);
    const again = await t.http.post('/api/webhooks').set(admin.auth).set('Idempotency-Key', key).send(body).expect(201);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(again.body).toMatchObject({ id: first.body.id, secret: null });
    await t.http.delete(`/api/webhooks/${first.body.id}`).set(admin.auth).expect(204);
    await t.http.delete(`/api/webhooks/${hook.id}`).set(admin.auth).expect(204);
    await t.http.get(`/api/webhooks/${hook.id}`).set(admin.auth).expect(404);
    // Creation, changes and deletion are in the audit trail, the secret never.
    const trail = await t.http
      .get('/api/audit-events')
      .query({ targetType: 'webhook', targetId: hook.id })
      .set(admin.auth)
      .expect(200);
    const events = trail.body.items as { action: string; actorId: string; summary: Record<string, unknown> }[];
    expect(events.map((e) => e.action).sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.updated']);
    expect(events.every((e) => e.actorId === admin.id)).toBe(true);
    expect(events.find((e) => e.action === 'webhook.updated')?.summary).toMatchObject({
      changes: { events: { from: ['user.created'], to: ['user.created', 'user.updated'] } },
    });
    expect(JSON.stringify(events)).not.toContain(hook.secret.slice(6));
  });

  it('delivers a check-in as attendance.submitted, signed per Standard Webhooks, retried after a 500 with the same id', async () => {
    const hook = await create('/checkin', ['attendance.submitted']);
    let failedOnce = false;
    rx.setResponder((r) => {
      if (r.path === '/checkin' && !failedOnce) {
        failedOnce = true;
        return 500;
      }
      return 200;
    });
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id);
    const code = (await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' })).body
      .code as string;
    const checkIn = await t.http.post('/api/check-ins').set(student.auth).send({ code }).expect(201);

    const got = await rx.waitFor(() => onPath('/checkin').length >= 2);
    const [first, second] = got.filter((r) => r.path === '/checkin');
    expect(second.id).toBe(first.id);
    expect(first.id).toMatch(/^msg_[0-9a-f]{32}$/);
    for (const r of [first, second]) {
      expect(verifyWebhook(hook.secret, r, r.body)).toBe(true);
      expect(r.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    expect(verifyWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', second, second.body)).toBe(false);
    expect(second.json).toEqual({
      type: 'attendance.submitted',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: {
        sessionId: session.id,
        studentId: student.id,
        fullName: student.fullName,
        checkedInAt: checkIn.body.checkedInAt,
        status: 'pending',
      },
    });

    await rx.waitFor(() => true);
    const deliveries = await t.http.get(`/api/webhooks/${hook.id}/deliveries`).set(admin.auth).expect(200);
    expect(deliveries.body.items[0]).toMatchObject({
      event: 'attendance.submitted',
      status: 'succeeded',
      attempts: 2,
      statusCode: 200,
      messageId: first.id,
    });
    rx.setResponder(() => 200);
  });

  it('keeps one session’s events in order per endpoint (closing: attendance.updated then session.closed)', async () => {
    await create('/session', ['session.opened', 'session.closed', 'attendance.updated']);
    const others = await Promise.all([1, 2, 3].map(() => createUser(t, { role: 'student' })));
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: others.map((s) => s.id) });
    const session = await createSession(t, course.id);
    await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' }).expect(201);
    await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    const got = await rx.waitFor(() => onPath('/session').some((r) => r.json.type === 'session.closed'));
    const types = got.filter((r) => r.path === '/session').map((r) => r.json.type);
    expect(types).toEqual([
      'session.opened',
      'attendance.updated',
      'attendance.updated',
      'attendance.updated',
      'session.closed',
    ]);
    const closed = got.find((r) => r.json.type === 'session.closed')!;
    expect(closed.json.data).toMatchObject({
      sessionId: session.id,
      courseId: course.id,
      state: 'closed',
      markedAbsent: 3,
    });
  });

  it('sends a test event, announces users and enrollments', async () => {
    const hook = await create('/misc', ['user.created', 'user.updated', 'enrollment.created', 'enrollment.deleted']);
    const test = await t.http.post(`/api/webhooks/${hook.id}/test`).set(admin.auth).expect(202);
    expect(test.body).toMatchObject({ event: 'webhook.test', webhookId: hook.id });
    const created = await t.http
      .post('/api/users')
      .set(admin.auth)
      .send({ email: 'hooked@school.test', fullName: 'Hooked Student', role: 'student', password: 'a-long-password-1' })
      .expect(201);
    const userId = created.body.user.id as string;
    const course = await createCourse(t, { teacherIds: [teacher.id] });
    await t.http
      .post(`/api/courses/${course.id}/enrollments`)
      .set(teacher.auth)
      .send({ studentIds: [userId] })
      .expect(200);
    await t.http.delete(`/api/courses/${course.id}/enrollments/${userId}`).set(teacher.auth).expect(204);
    await t.http.patch(`/api/users/${userId}`).set(admin.auth).send({ fullName: 'Hooked Renamed' }).expect(200);
    const got = await rx.waitFor(() => onPath('/misc').length >= 5);
    const mine = got.filter((r) => r.path === '/misc');
    expect(mine.map((r) => r.json.type).sort()).toEqual(
      ['enrollment.created', 'enrollment.deleted', 'user.created', 'user.updated', 'webhook.test'].sort(),
    );
    expect(mine.find((r) => r.json.type === 'user.created')!.json.data).toEqual({
      id: userId,
      email: 'hooked@school.test',
      fullName: 'Hooked Student',
      role: 'student',
      active: true,
      studentNumber: null,
    });
    expect(mine.find((r) => r.json.type === 'enrollment.deleted')!.json.data).toEqual({
      courseId: course.id,
      studentId: userId,
    });
    expect(mine.find((r) => r.json.type === 'user.updated')!.json.data).toMatchObject({ fullName: 'Hooked Renamed' });
  });

  it('gives up after the retries, disables an endpoint that keeps failing (admins told), and retries on demand', async () => {
    const hook = await create('/down', ['user.created']);
    rx.setResponder((r) => (r.path === '/down' ? 503 : 200));
    await createUserViaApi('down1@school.test');
    // 1 attempt + 3 retries = 4 failures in a row: failed for good, and the endpoint is disabled.
    await rx.waitFor(() => onPath('/down').length >= 4);
    await waitUntil(async () => {
      const w = await t.http.get(`/api/webhooks/${hook.id}`).set(admin.auth);
      return w.body.enabled === false;
    });
    const w = (await t.http.get(`/api/webhooks/${hook.id}`).set(admin.auth).expect(200)).body;
    expect(w).toMatchObject({ enabled: false, consecutiveFailures: 4 });
    const deliveries = (await t.http.get(`/api/webhooks/${hook.id}/deliveries`).set(admin.auth).expect(200)).body;
    expect(deliveries.items[0]).toMatchObject({ status: 'failed', attempts: 4, statusCode: 503, error: 'HTTP 503' });
    expect(deliveries.items[0].response).toBe('receiver says no');
    const notes = await t.http.get('/api/notifications').set(admin.auth).expect(200);
    expect(JSON.stringify(notes.body)).toContain('Webhook disabled');
    // Disabled: no retry until enabled again; then a manual retry goes through with the same webhook-id.
    const retryDisabled = await t.http.post(`/api/webhook-deliveries/${deliveries.items[0].id}/retry`).set(admin.auth);
    expect(retryDisabled.status).toBe(409);
    rx.setResponder(() => 200);
    await t.http.patch(`/api/webhooks/${hook.id}`).set(admin.auth).send({ enabled: true }).expect(200);
    await t.http.post(`/api/webhook-deliveries/${deliveries.items[0].id}/retry`).set(admin.auth).expect(202);
    await rx.waitFor(() => onPath('/down').length >= 5);
    const down = onPath('/down');
    expect(new Set(down.map((r) => r.id)).size).toBe(1);
    await waitUntil(async () => {
      const d = (await t.http.get(`/api/webhooks/${hook.id}/deliveries`).set(admin.auth)).body;
      return d.items[0].status === 'succeeded';
    });
  });

  async function createUserViaApi(email: string) {
    await t.http
      .post('/api/users')
      .set(admin.auth)
      .send({ email, fullName: 'Someone', role: 'student', password: 'a-long-password-1' })
      .expect(201);
  }

  async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10000) {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
