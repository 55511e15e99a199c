import { ResponseValidator, type OpenApiDocument } from './support/openapi-validator.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Every e2e test app checks each of its responses against the served OpenAPI document when it closes
 * (support/test-app.ts + support/openapi-validator.ts, ajv in strict mode): that is how the whole e2e suite's
 * responses are validated. This suite shows the validator reads the served document and does refuse what does not
 * match, so the suites passing means something.
 */
describe('responses are validated against the served OpenAPI document', () => {
  let t: TestApp;
  let validator: ResponseValidator;
  let admin: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
    validator = new ResponseValidator((await t.http.get('/api/docs-json').expect(200)).body as OpenApiDocument);
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts real responses and finds their operation from a concrete path or a route', async () => {
    const users = await t.http.get('/api/users?pageSize=5').set(admin.auth).expect(200);
    expect(validator.check('GET', '/api/users', 200, 'application/json', users.body)).toEqual([]);
    const me = await t.http.get(`/api/users/${admin.id}`).set(admin.auth).expect(200);
    expect(validator.check('GET', `/api/users/${admin.id}`, 200, 'application/json', me.body)).toEqual([]);
    expect(validator.templateOf('/api/users/:id')).toBe('/api/users/{id}');
    const missing = await t.http.get(`/api/users/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`).set(admin.auth);
    expect(missing.status).toBe(404);
    expect(validator.check('GET', '/api/users/{id}', 404, 'application/json', missing.body)).toEqual([]);
  });

  it('refuses a body off its schema, a wrong type, a null where none is allowed, and an undocumented status', async () => {
    const me = (await t.http.get(`/api/users/${admin.id}`).set(admin.auth).expect(200)).body as Record<string, unknown>;
    const { email: _email, ...noEmail } = me;
    expect(validator.check('GET', '/api/users/{id}', 200, 'application/json', noEmail)).toEqual([
      expect.objectContaining({ problem: expect.stringMatching(/required property 'email'/) }),
    ]);
    expect(validator.check('GET', '/api/users/{id}', 200, 'application/json', { ...me, id: 'not-a-uuid' })).toEqual([
      expect.objectContaining({ problem: expect.stringMatching(/^\/id must match format "uuid"/) }),
    ]);
    expect(validator.check('GET', '/api/users/{id}', 200, 'application/json', { ...me, fullName: null })).not.toEqual(
      [],
    );
    expect(
      validator.check('GET', '/api/users/{id}', 418, 'application/json', { statusCode: 418, code: 'x', message: 'x' }),
    ).toEqual([expect.objectContaining({ problem: expect.stringMatching(/^status not documented/) })]);
    expect(
      validator.check('GET', '/api/users/{id}', 404, 'application/json', { statusCode: 404, code: 'x' }),
    ).not.toEqual([]);
  });
});
