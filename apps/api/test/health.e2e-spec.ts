import { createTestApp, type TestApp } from './support/test-app.js';

describe('health and platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the database as up', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('echoes a correlation id and sets security headers', async () => {
    const res = await t.http.get('/api/health').set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers unknown API routes with the error shape', async () => {
    const res = await t.http.get('/api/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'common/not-found' });
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http.get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/auth/login']).toBeDefined();
  });

  it('rejects malformed JSON with a 400, not a 500', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(res.body.code).toBe('common/bad-request');
  });

  it('refuses CORS for a foreign origin and allows the configured one', async () => {
    const bad = await t.http
      .options('/api/health')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
    const good = await t.http
      .options('/api/health')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'GET');
    expect(good.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });
});
