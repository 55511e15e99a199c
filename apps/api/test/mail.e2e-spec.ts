import { MailAlertsService } from '../src/modules/mail/mail-alerts.service.js';
import { MailOutboxService } from '../src/modules/mail/mail-outbox.service.js';
import { HOUR } from './justifications-fixtures.js';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { createMailTestApp, type Inbox } from './support/smtp-inbox.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('email through the outbox (real SMTP server)', () => {
  let t: TestApp;
  let inbox: Inbox;

  beforeAll(async () => {
    ({ t, inbox } = await createMailTestApp({
      MAIL_FROM: 'SysPonto <attendance@school.test>',
      MAIL_RETRY_BASE_MS: '100',
      MAIL_RETRY_MAX_MS: '400',
    }));
  });
  afterAll(() => t.close());

  const pastSession = (courseId: string, hoursAgo = 3) =>
    createSession(t, courseId, {
      startsAt: new Date(Date.now() - hoursAgo * HOUR),
      endsAt: new Date(Date.now() - (hoursAgo - 1) * HOUR),
      state: 'closed',
    });

  const outboxRow = async (recipient: string) =>
    (
      (await t.dataSource.query(
        `SELECT status, attempts, last_error, sent_at FROM mail_outbox WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1`,
        [recipient],
      )) as {
        status: string;
        attempts: number;
        last_error: string | null;
        sent_at: Date | null;
      }[]
    )[0];

  it('emails the student in their language when a justification is reviewed', async () => {
    const teacher = await actor(t, 'teacher');
    const en = await actor(t, 'student');
    const pt = await actor(t, 'student');
    await t.http.patch('/api/me').set(pt.auth).send({ locale: 'pt' }).expect(200);
    const course = await createCourse(t, {
      code: 'MAIL101',
      name: 'Mail',
      teacherIds: [teacher.id],
      studentIds: [en.id, pt.id],
    });
    const session = await pastSession(course.id);
    const a = await t.http
      .post('/api/justifications')
      .set(en.auth)
      .send({ sessionId: session.id, type: 'absence', reason: 'Sick' })
      .expect(201);
    const b = await t.http
      .post('/api/justifications')
      .set(pt.auth)
      .send({ sessionId: session.id, type: 'late', reason: 'Comboio' })
      .expect(201);

    await t.http
      .post(`/api/justifications/${a.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'approved', comment: 'Get well soon.' })
      .expect(200);
    await t.http
      .post(`/api/justifications/${b.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'rejected' })
      .expect(200);

    const toEn = await inbox.waitFor((m) => m.rcpt.includes(en.email));
    expect(toEn.subject).toBe('Your justification for MAIL101 was approved');
    expect(toEn.raw).toContain('From: SysPonto <attendance@school.test>');
    expect(toEn.raw).toContain('Get well soon.');
    const toPt = await inbox.waitFor((m) => m.rcpt.includes(pt.email));
    expect(toPt.subject).toBe('A sua justificação para MAIL101 foi rejeitada');
    await expect(
      until(
        () => outboxRow(en.email),
        (r) => r.status === 'sent',
      ),
    ).resolves.toMatchObject({ attempts: 1, last_error: null });
  });

  it('keeps the mail while the SMTP server is down and sends it when the server returns', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { code: 'DOWN101', teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await pastSession(course.id);
    const j = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .send({ sessionId: session.id, type: 'absence', reason: 'Sick' })
      .expect(201);

    await inbox.stop();
    const started = Date.now();
    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'approved' })
      .expect(200);
    expect(Date.now() - started).toBeLessThan(2000); // the request never waits for SMTP

    const failing = await until(
      () => outboxRow(student.email),
      (r) => r.attempts >= 2,
    );
    expect(failing.status).toMatch(/pending|sending/);
    expect(failing.sent_at).toBeNull();
    expect(inbox.messages.some((m) => m.rcpt.includes(student.email))).toBe(false);

    await inbox.start();
    const mail = await inbox.waitFor((m) => m.rcpt.includes(student.email));
    expect(mail.subject).toBe('Your justification for DOWN101 was approved');
    const sent = await until(
      () => outboxRow(student.email),
      (r) => r.status === 'sent',
    );
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(inbox.messages.filter((m) => m.rcpt.includes(student.email))).toHaveLength(1);
  });

  it('never sends a mail twice when several workers drain at once', async () => {
    const outbox = t.app.get(MailOutboxService);
    const mails = Array.from({ length: 12 }, (_, i) => ({
      kind: 'test',
      to: `race-${i}@school.test`,
      subject: `Race ${i}`,
      text: 'x',
      html: '<p>x</p>',
    }));
    await expect(outbox.enqueue(mails)).resolves.toBe(12);
    await Promise.all([outbox.drain(), outbox.drain(), outbox.drain()]);
    for (let i = 0; i < 12; i++) await inbox.waitFor((m) => m.rcpt.includes(`race-${i}@school.test`));
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.messages.filter((m) => m.subject.startsWith('Race '))).toHaveLength(12);
  });

  it('warns a student whose attendance falls under the threshold, at most once a week per course', async () => {
    const teacher = await actor(t, 'teacher');
    const weak = await actor(t, 'student');
    const good = await actor(t, 'student');
    const excused = await actor(t, 'student');
    const course = await createCourse(t, {
      code: 'WARN101',
      teacherIds: [teacher.id],
      studentIds: [weak.id, good.id, excused.id],
    });
    const sessions = [
      await pastSession(course.id, 30),
      await pastSession(course.id, 20),
      await pastSession(course.id, 10),
      await pastSession(course.id, 5),
    ];
    await createRecord(t, sessions[0].id, weak.id, 'present');
    await createRecord(t, sessions[1].id, weak.id, 'absent'); // sessions[2]: no record counts as absent
    await createRecord(t, sessions[3].id, weak.id, 'absent');
    for (const s of sessions) await createRecord(t, s.id, good.id, 'late');
    await createRecord(t, sessions[0].id, excused.id, 'present');
    for (const s of sessions.slice(1)) await createRecord(t, s.id, excused.id, 'excused');

    const alerts = t.app.get(MailAlertsService);
    await expect(alerts.scanAttendanceWarnings({ courseId: course.id })).resolves.toBe(1);
    await expect(alerts.scanAttendanceWarnings({ courseId: course.id })).resolves.toBe(0);
    t.app.get(MailOutboxService).kick();
    const mail = await inbox.waitFor((m) => m.rcpt.includes(weak.email));
    expect(mail.subject).toBe('Attendance warning: WARN101 is at 25%');
    await new Promise((r) => setTimeout(r, 200));
    expect(inbox.messages.some((m) => m.rcpt.includes(good.email) || m.rcpt.includes(excused.email))).toBe(false);
  });

  it('sends the daily digest of pending justifications to teachers who opted in', async () => {
    const keen = await actor(t, 'teacher');
    const quiet = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { code: 'DIG101', teacherIds: [keen.id, quiet.id], studentIds: [student.id] });
    await t.http
      .post('/api/justifications')
      .set(student.auth)
      .send({ sessionId: (await pastSession(course.id)).id, type: 'absence', reason: 'Sick' })
      .expect(201);
    const me = await t.http.patch('/api/me').set(keen.auth).send({ digestOptIn: true }).expect(200);
    expect(me.body.digestOptIn).toBe(true);
    await t.http.patch('/api/me').set(keen.auth).send({ digestOptIn: 'yes' }).expect(400);

    const alerts = t.app.get(MailAlertsService);
    const today = new Date();
    const at = (hour: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hour));
    await expect(alerts.queueDailyDigests(at(3))).resolves.toBe(0); // before MAIL_DIGEST_HOUR_UTC (7)
    await expect(alerts.queueDailyDigests(at(12))).resolves.toBe(1);
    await expect(alerts.queueDailyDigests(at(18))).resolves.toBe(0); // once a day
    t.app.get(MailOutboxService).kick();
    const mail = await inbox.waitFor((m) => m.rcpt.includes(keen.email));
    expect(mail.subject).toBe('1 justification is waiting for your review');
    expect(mail.raw).toContain('DIG101');
    expect(inbox.messages.some((m) => m.rcpt.includes(quiet.email))).toBe(false);
  });
});

describe('without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('works without mail and queues nothing', async () => {
    const teacher = await actor(t, 'teacher');
    const student = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id, {
      startsAt: new Date(Date.now() - 3 * HOUR),
      endsAt: new Date(Date.now() - 2 * HOUR),
    });
    const j = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .send({ sessionId: session.id, type: 'absence', reason: 'Sick' })
      .expect(201);
    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'approved' })
      .expect(200);
    expect(t.app.get(MailOutboxService).enabled).toBe(false);
    await expect(
      t.app.get(MailOutboxService).enqueue([{ kind: 'x', to: 'a@b.c', subject: 's', text: 't', html: 'h' }]),
    ).resolves.toBe(0);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_outbox`);
    expect(n).toBe(0);
  });
});
