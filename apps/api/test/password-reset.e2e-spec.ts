import { createMailTestApp, type Inbox, type Received } from './support/smtp-inbox.js';
import { actor, createUser, login, PASSWORD, type TestApp } from './support/test-app.js';

/** A received mail's text with quoted-printable undone. */
function decoded(mail: Received): string {
  return Buffer.from(
    mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

/** The reset link's token in a received mail. */
function linkIn(mail: Received): string {
  const raw = decoded(mail);
  const m = /https?:\/\/[^\s"<]+\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(raw);
  if (!m) throw new Error(`no reset link in:\n${raw}`);
  return m[1];
}

describe('forgot password (real SMTP server)', () => {
  let t: TestApp;
  let inbox: Inbox;

  beforeAll(async () => {
    ({ t, inbox } = await createMailTestApp({
      PUBLIC_URL: 'https://ponto.school.test',
      PASSWORD_RESET_MAX_PER_ACCOUNT: '2',
      PASSWORD_RESET_MAX_PER_IP: '12',
    }));
  });
  afterAll(() => t.close());

  it('mails a single-use link in the user language; confirming ends every sign-in', async () => {
    const user = await actor(t, 'student');
    await t.http.patch('/api/me').set(user.auth).send({ locale: 'pt' }).expect(200);
    const other = await login(t, user.email);

    await t.http
      .post('/api/auth/password-reset')
      .set('Host', 'evil.test')
      .send({ email: user.email.toUpperCase() })
      .expect(202);
    const mail = await inbox.waitFor((m) => m.rcpt.includes(user.email));
    expect(mail.subject).toBe('Definir uma nova palavra-passe do SysPonto');
    expect(decoded(mail)).toContain('https://ponto.school.test/reset-password?token=');
    expect(mail.raw).not.toContain('evil.test');
    const token = linkIn(mail);

    // Stored hashed only; once sent, the outbox keeps no copy of the link.
    const stored = await t.dataSource.query(`SELECT token_hash FROM password_reset_tokens WHERE user_id = $1`, [
      user.id,
    ]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);
    const outbox = await t.dataSource.query(`SELECT text_body, html_body FROM mail_outbox WHERE recipient = $1`, [
      user.email,
    ]);
    expect(JSON.stringify(outbox)).not.toContain(token);

    await t.http.post('/api/auth/password-reset/confirm').send({ token, password: 'short' }).expect(400);
    await t.http.post('/api/auth/password-reset/confirm').send({ token, password: 'a brand new password' }).expect(204);

    // Every access token and refresh token of the user stops working at once; the new password works.
    await t.http.get('/api/me').set(user.auth).expect(401);
    await t.http.get('/api/me').set(other.auth).expect(401);
    await t.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await t.http.post('/api/auth/login').send({ email: user.email, password: PASSWORD }).expect(401);
    await login(t, user.email, 'a brand new password');

    // Single use.
    const again = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token, password: 'another new password' });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('auth/reset-token-invalid');
    const audit = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE target_id = $1 ORDER BY occurred_at`,
      [user.id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toContain('user.password-reset');
  });

  it('lets an admin mail a user a reset link (audited); refused for an inactive user', async () => {
    const admin = await actor(t, 'admin');
    const user = await createUser(t);
    const res = await t.http
      .post(`/api/users/${user.id}/password-reset`)
      .set(admin.auth)
      .set('X-Forwarded-For', '10.9.9.9')
      .expect(202);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    const mail = await inbox.waitFor((m) => m.rcpt.includes(user.email) && m.subject === 'Set a new SysPonto password');
    expect(decoded(mail)).toContain('administration sent you a link');
    await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: linkIn(mail), password: 'set by the link 1' })
      .expect(204);
    const audit = await t.dataSource.query(
      `SELECT action, actor_id FROM audit_events WHERE target_id = $1 ORDER BY occurred_at`,
      [user.id],
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'user.password-reset-sent', actor_id: admin.id },
        { action: 'user.password-reset', actor_id: user.id },
      ]),
    );

    const inactive = await createUser(t, { active: false });
    const refused = await t.http.post(`/api/users/${inactive.id}/password-reset`).set(admin.auth).expect(409);
    expect(refused.body.code).toBe('auth/reset-inactive');
    const student = await actor(t, 'student');
    await t.http.post(`/api/users/${user.id}/password-reset`).set(student.auth).expect(403);
  });

  it('answers 202 for unknown and inactive accounts alike and sends nothing; limits per account and per IP', async () => {
    const inactive = await createUser(t, { active: false });
    const before = inbox.messages.length;
    await t.http.post('/api/auth/password-reset').send({ email: 'nobody@school.test' }).expect(202);
    await t.http.post('/api/auth/password-reset').send({ email: inactive.email }).expect(202);

    const user = await createUser(t);
    for (let i = 0; i < 3; i++) await t.http.post('/api/auth/password-reset').send({ email: user.email }).expect(202);
    await inbox.waitFor((m) => m.rcpt.includes(user.email));
    await new Promise((r) => setTimeout(r, 500));
    // Two mails (the account limit), none to the unknown or inactive address.
    expect(inbox.messages.slice(before).map((m) => m.rcpt[0])).toEqual([user.email, user.email]);
    // A newer link replaces the older one.
    const tokens = inbox.messages.slice(before).map(linkIn);
    const old = await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: tokens[0], password: 'x'.repeat(12) });
    expect(old.body.code).toBe('auth/reset-token-invalid');

    // Expired links do not work.
    await t.dataSource.query(
      `UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user.id],
    );
    await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: tokens[1], password: 'x'.repeat(12) })
      .expect(400);

    // Per IP: 12 requests or wrong tokens an hour, then 429 with Retry-After.
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++) {
      last = (await t.http.post('/api/auth/password-reset').send({ email: `n${i}@school.test` })).status;
    }
    const limited = await t.http.post('/api/auth/password-reset').send({ email: 'x@school.test' }).expect(429);
    expect(limited.headers['retry-after']).toBeDefined();
    await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token: 'a'.repeat(43), password: 'x'.repeat(12) })
      .expect(429);
  });
});
