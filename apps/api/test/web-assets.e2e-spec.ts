import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The built SPA as the web build leaves it: hashed assets with .br/.gz beside them, index.html revalidated. */
describe('serving the built SPA', () => {
  let t: TestApp;
  let dir: string;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  const index =
    '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head></html>';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sp-web-'));
    mkdirSync(join(dir, 'assets'));
    const write = (path: string, body: string) => {
      writeFileSync(join(dir, path), body);
      writeFileSync(join(dir, `${path}.br`), brotliCompressSync(body));
      writeFileSync(join(dir, `${path}.gz`), gzipSync(body));
    };
    write('index.html', index);
    write('assets/index-AbC123.js', script);
    t = await createTestApp({ WEB_DIST_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends hashed assets precompressed and cacheable for a year', async () => {
    const br = await t.http.get('/assets/index-AbC123.js').set('accept-encoding', 'br, gzip').expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-type']).toMatch(/javascript/);
    const gz = await t.http
      .get('/assets/index-AbC123.js')
      .set('accept-encoding', 'gzip')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    // supertest inflates gzip itself: the body is the original script.
    expect((gz.body as Buffer).toString()).toBe(script);
    const plain = await t.http.get('/assets/index-AbC123.js').set('accept-encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('revalidates index.html, also when it answers a client-side route', async () => {
    for (const path of ['/', '/student/history']) {
      const res = await t.http.get(path).set('accept-encoding', 'br').expect(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toMatch(/text\/html/);
    }
  });
});
