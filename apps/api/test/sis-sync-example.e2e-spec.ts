import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createCourse, createRecord, createSession, settleChangesFeed } from './support/factories.js';
import { actor, createTestApp, type TestApp } from './support/test-app.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'examples/sis-sync/sis-sync.mjs');

/**
 * examples/sis-sync (the SDK's runnable example) against the app: it pushes a roster from a CSV with idempotent calls
 * (a rerun creates nothing twice) and pulls attendance changes since its stored cursor into a CSV (a rerun appends
 * only what changed since).
 */
describe('examples/sis-sync with @sysponto/client', () => {
  let t: TestApp;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let course: { id: string };

  beforeAll(async () => {
    // The example imports the built package, as an integrator would.
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'libs/api-client')]);
    t = await createTestApp({}, { listen: true });
    const admin = await actor(t, 'admin');
    course = await createCourse(t, { code: 'SIS101' });
    const key = await t.http
      .post('/api/api-keys')
      .set(admin.auth)
      .send({ name: 'SIS sync', scopes: ['attendance:read', 'users:read', 'users:write', 'courses:write'] })
      .expect(201);
    dir = mkdtempSync(join(tmpdir(), 'sis-sync-'));
    env = { ...process.env, SYSPONTO_URL: t.url, SYSPONTO_API_KEY: key.body.token as string };
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sync = async (...args: string[]) =>
    (await run(process.execPath, [SCRIPT, ...args], { cwd: dir, env, timeout: 60_000 })).stdout.trim();
  const csvRows = () => readFileSync(join(dir, 'attendance.csv'), 'utf8').trim().split('\n');

  it('push-roster creates the missing students and enrolls them; a rerun creates nothing and replays the enrollment', async () => {
    writeFileSync(
      join(dir, 'roster.csv'),
      'email,fullName,studentNumber\r\nana.sis@example.edu,Ana Almeida,A1001\r\n"bruno.sis@example.edu","Bruno ""Bê"" Barros",A1002\r\n',
    );
    expect(await sync('push-roster', '--course', course.id, 'roster.csv')).toBe(
      'roster: 2 students, 2 created, 2 enrolled, 0 already enrolled',
    );
    expect(await sync('push-roster', '--course', course.id, 'roster.csv')).toBe(
      // The enrollment call carries the same Idempotency-Key: its first answer is replayed, nothing runs again.
      'roster: 2 students, 0 created, 2 enrolled, 0 already enrolled (enrollment replayed)',
    );
    const users = await t.dataSource.query(
      `SELECT full_name, student_number FROM users WHERE email LIKE '%.sis@example.edu' ORDER BY email`,
    );
    expect(users).toEqual([
      { full_name: 'Ana Almeida', student_number: 'A1001' },
      { full_name: 'Bruno "Bê" Barros', student_number: 'A1002' },
    ]);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM enrollments WHERE course_id = $1 AND ended_at IS NULL`,
      [course.id],
    );
    expect(n).toBe(2);
  });

  it('pull appends every change since the stored cursor, none twice', async () => {
    const students: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM users WHERE email LIKE '%.sis@example.edu' ORDER BY email`,
    );
    const first = await createSession(t, course.id, { state: 'closed' });
    for (const s of students) await createRecord(t, first.id, s.id, 'present');
    await settleChangesFeed(t);
    expect(await sync('pull')).toBe(
      'pulled 2 attendance changes into attendance.csv; cursor stored in sync-state.json',
    );
    expect(csvRows()[0]).toBe('id,courseId,sessionId,studentId,status,source,checkedInAt,validatedAt,updatedAt');
    expect(csvRows()).toHaveLength(3);

    expect(await sync('pull')).toMatch(/^pulled 0 attendance changes/);
    const second = await createSession(t, course.id);
    await createRecord(t, second.id, students[0]!.id, 'late');
    await t.dataSource.query(
      `UPDATE attendance_records SET status = 'excused' WHERE session_id = $1 AND student_id = $2`,
      [first.id, students[1]!.id],
    );
    await settleChangesFeed(t);
    expect(await sync('pull')).toMatch(/^pulled 2 attendance changes/);
    const rows = csvRows()
      .slice(1)
      .map((r) => r.split(','));
    expect(rows.map((r) => `${r[2] === first.id ? 'first' : 'second'}:${r[4]}`)).toEqual([
      'first:present',
      'first:present',
      'second:late',
      'first:excused',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'sync-state.json'), 'utf8')).cursor).toEqual(expect.any(String));
  });
});
