// The SDK's own tests (node:test against the built dist): webhook signatures against the Standard Webhooks
// specification's published test vector, the API key + idempotency + retry fetch, and the changes-feed iteration.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  attendanceChanges,
  createClient,
  signWebhook,
  SysPontoError,
  unwrap,
  verifyWebhook,
  WebhookVerificationError,
} from '../dist/index.js';

describe('verifyWebhook (Standard Webhooks)', () => {
  // The specification's test vector (also used by its reference libraries).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const headers = (sig = signature, ts = String(timestamp)) => ({
    'webhook-id': id,
    'webhook-timestamp': ts,
    'webhook-signature': sig,
  });

  it('signs the test vector to the published signature', async () => {
    assert.equal(await signWebhook(secret, id, timestamp, body), signature);
  });

  it('accepts it (plain object or Headers, among several signatures) and returns the parsed body', async () => {
    assert.deepEqual(await verifyWebhook(secret, headers(), body, { now: timestamp }), { test: 2432232314 });
    const many = new Headers(headers(`v1,bm9wZQ== v2,xyz ${signature}`));
    assert.deepEqual(await verifyWebhook(secret, many, body, { now: timestamp + 299 }), { test: 2432232314 });
  });

  it('refuses a changed body, another secret, a replay outside the tolerance and missing headers', async () => {
    const refused = (p) => assert.rejects(p, WebhookVerificationError);
    await refused(verifyWebhook(secret, headers(), '{"test": 2432232315}', { now: timestamp }));
    await refused(verifyWebhook('whsec_' + btoa('another-secret-of-24-bytes!'), headers(), body, { now: timestamp }));
    await refused(verifyWebhook(secret, headers(), body, { now: timestamp + 301 }));
    await refused(verifyWebhook(secret, headers(), body, { now: timestamp - 301 }));
    await refused(verifyWebhook(secret, headers('v1,'), body, { now: timestamp }));
    await refused(verifyWebhook(secret, { 'webhook-id': id }, body, { now: timestamp }));
  });
});

describe('createClient', () => {
  let server;
  let baseUrl;
  const seen = [];
  let script = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const [status, answer, headers = {}] = script.shift() ?? [200, {}];
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer));
      });
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    baseUrl = `http://127.0.0.1:${server.address().port}/`;
  });
  after(() => new Promise((ok) => server.close(ok)));
  const reset = (answers) => {
    seen.length = 0;
    script = answers;
  };

  it('sends the API key and an Idempotency-Key on POST, the same key and body on every retry', async () => {
    reset([
      [503, { statusCode: 503, code: 'common/unavailable', message: 'Busy' }, { 'retry-after': '0' }],
      [409, { statusCode: 409, code: 'idempotency/in-progress', message: 'Running' }, { 'retry-after': '0' }],
      [201, { id: 'c1', code: 'CS101' }],
    ]);
    const sysponto = createClient({ baseUrl, apiKey: 'spk_test' });
    const course = await unwrap(
      sysponto.POST('/api/courses', { body: { code: 'CS101', name: 'Programming', timezone: 'Europe/Lisbon' } }),
    );
    assert.deepEqual(course, { id: 'c1', code: 'CS101' });
    assert.equal(seen.length, 3);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    assert.equal(keys.size, 1);
    assert.match([...keys][0], /^[0-9a-f-]{36}$/);
    assert.ok(seen.every((s) => s.headers.authorization === 'Bearer spk_test'));
    assert.ok(seen.every((s) => JSON.parse(s.body).code === 'CS101'));
  });

  it('keeps a key the caller chose, does not retry a PATCH or a 4xx, and throws SysPontoError with the code', async () => {
    reset([[403, { statusCode: 403, code: 'auth/insufficient-scope', message: 'Needs users:write.' }]]);
    const sysponto = createClient({ baseUrl, apiKey: 'spk_test' });
    await assert.rejects(
      unwrap(
        sysponto.POST('/api/users', {
          body: { email: 'a@example.com', fullName: 'A', role: 'student' },
          headers: { 'Idempotency-Key': 'roster-a' },
        }),
      ),
      (e) => e instanceof SysPontoError && e.status === 403 && e.code === 'auth/insufficient-scope',
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0].headers['idempotency-key'], 'roster-a');

    reset([
      [503, {}],
      [200, {}],
    ]);
    const { response } = await sysponto.PATCH('/api/users/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
      body: { fullName: 'B' },
    });
    assert.equal(response.status, 503);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].headers['idempotency-key'], undefined);
  });

  it('attendanceChanges follows nextCursor while hasMore and keeps the filters', async () => {
    const item = (id) => ({ id, status: 'present' });
    reset([
      [200, { items: [item('r1'), item('r2')], nextCursor: 'c2', hasMore: true }],
      [200, { items: [item('r3')], nextCursor: 'c3', hasMore: false }],
    ]);
    const sysponto = createClient({ baseUrl, apiKey: 'spk_test' });
    const pages = [];
    for await (const page of attendanceChanges(sysponto, { cursor: 'c1', limit: 2, courseId: 'k' }))
      pages.push(page.items.map((i) => i.id).join(',') + '→' + page.nextCursor);
    assert.deepEqual(pages, ['r1,r2→c2', 'r3→c3']);
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/api/attendance-records?cursor=c1&limit=2&courseId=k', '/api/attendance-records?cursor=c2&limit=2&courseId=k'],
    );
  });
});
