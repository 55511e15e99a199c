import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Property-based fuzzing of every operation of the served OpenAPI document that takes a JSON body (what the external
 * audit's fuzzer did): malformed bodies are never a 5xx, every 4xx is in the one error shape, and the three hostile
 * kinds the issue names have their exact answers (deep JSON, NUL in any string, text that is not JSON).
 */

type Schema = { $ref?: string; properties?: Record<string, Schema>; allOf?: Schema[] };
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Target = { method: 'post' | 'put' | 'patch'; path: string; fields: string[] };

// Ending the admin's own sign-in would turn every later case into a 401 and test nothing.
const SKIPPED = new Set(['post /api/auth/logout', 'post /api/auth/logout-all']);

function fieldsOf(doc: Doc, schema: Schema | undefined, seen = 0): string[] {
  if (!schema || seen > 4) return [];
  if (schema.$ref) return fieldsOf(doc, doc.components.schemas[schema.$ref.split('/').pop() ?? ''], seen + 1);
  return [...Object.keys(schema.properties ?? {}), ...(schema.allOf ?? []).flatMap((s) => fieldsOf(doc, s, seen + 1))];
}

const ERROR_KEYS = ['statusCode', 'code', 'message', 'details'];

describe('fuzzing the OpenAPI document with malformed bodies (fast-check)', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let targets: Target[];
  beforeAll(async () => {
    t = await createTestApp();
    auth = (await actor(t, 'admin')).auth;
    const doc = (await t.http.get('/api/docs-json').expect(200)).body as Doc;
    targets = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const json = op.requestBody?.content?.['application/json'];
        if (!json || SKIPPED.has(`${method} ${path}`)) continue;
        targets.push({ method: method as Target['method'], path, fields: fieldsOf(doc, json.schema) });
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const send = async (target: Target, body: string) => {
    const url = target.path.replace(/\{[^}]+\}/g, () => randomUUID());
    const res = await t.http[target.method](url).set(auth).set('Content-Type', 'application/json').send(body);
    return { route: `${target.method} ${target.path}`, status: res.status, body: res.body as Record<string, unknown> };
  };
  const inShape = (r: Awaited<ReturnType<typeof send>>) =>
    r.status < 400 ||
    (r.body.statusCode === r.status &&
      typeof r.body.code === 'string' &&
      typeof r.body.message === 'string' &&
      Object.keys(r.body).every((k) => ERROR_KEYS.includes(k)) &&
      !JSON.stringify(r.body).includes('    at '));

  const target = () => fc.integer({ min: 0, max: targets.length - 1 }).map((i) => targets[i]);
  /** A value of any JSON type, some of them hostile for a DTO: long strings, huge numbers, nested arrays. */
  const wrongValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ maxLength: 3000 }),
    fc.constantFrom(
      1e308,
      -1,
      2 ** 53 + 1,
      '',
      ' ',
      'null',
      '0000-00-00',
      '../../etc/passwd',
      '<script>',
      "' OR 1=1 --",
    ),
  );

  it('covers the document', () => {
    expect(targets.length).toBeGreaterThan(20);
  });

  it('bodies with the right field names and wrong values are never a 5xx and always in the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        target().chain((tg) =>
          fc.tuple(
            fc.constant(tg),
            fc.dictionary(tg.fields.length ? fc.constantFrom(...tg.fields) : fc.string(), wrongValue, { maxKeys: 6 }),
          ),
        ),
        async ([tg, body]) => {
          const r = await send(tg, JSON.stringify(body));
          expect({ route: r.route, ok: r.status < 500 && inShape(r) }).toEqual({ route: r.route, ok: true });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any JSON value as the body is never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(target(), fc.jsonValue({ maxDepth: 6 }), async (tg, body) => {
        const r = await send(tg, JSON.stringify(body));
        expect({ route: r.route, ok: r.status < 500 && inShape(r) }).toEqual({ route: r.route, ok: true });
      }),
      { numRuns: 100 },
    );
  });

  it('a NUL anywhere in a string of the body is 400 validation/failed', async () => {
    await fc.assert(
      fc.asyncProperty(
        target().chain((tg) =>
          fc.tuple(
            fc.constant(tg),
            tg.fields.length ? fc.constantFrom(...tg.fields) : fc.constant('x'),
            fc.string({ maxLength: 20 }),
            fc.string({ maxLength: 20 }),
            fc.boolean(),
          ),
        ),
        async ([tg, field, before, after, nested]) => {
          const value = `${before}\u0000${after}`;
          const body = { [field]: nested ? [{ inner: value }] : value };
          const r = await send(tg, JSON.stringify(body));
          expect({ route: r.route, status: r.status, code: r.body.code }).toEqual({
            route: r.route,
            status: 400,
            code: 'validation/failed',
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('nesting deeper than the limit is 400 request/too-deep, whatever surrounds it', async () => {
    await fc.assert(
      fc.asyncProperty(
        target(),
        fc.integer({ min: 40, max: 20_000 }),
        fc.constantFrom('[', '{"a":'),
        fc.boolean(),
        async (tg, depth, open, closed) => {
          const close = open === '[' ? ']' : '}';
          const body = `{"x":${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}}`;
          const r = await send(tg, body);
          expect({ route: r.route, status: r.status, code: r.body.code }).toEqual({
            route: r.route,
            status: 400,
            code: 'request/too-deep',
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('text that is not JSON is 400 common/bad-request', async () => {
    const notJson = fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return s.trim().length > 0 && !s.includes('u0000') && (s.match(/[[{]/g) ?? []).length <= 32;
      }
    });
    await fc.assert(
      fc.asyncProperty(target(), notJson, async (tg, body) => {
        const r = await send(tg, body);
        expect({ route: r.route, status: r.status, code: r.body.code, shape: inShape(r) }).toEqual({
          route: r.route,
          status: 400,
          code: 'common/bad-request',
          shape: true,
        });
      }),
      { numRuns: 60 },
    );
  });
});
