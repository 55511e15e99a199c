import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { BackupError } from '../src/database/backup.js';
import { POSTGRES_RECIPE, runBackupCli } from '../src/database/backup-cli.js';
import { samplePdf } from './fixtures/sample-pdf.js';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, PASSWORD, testConfig, type TestApp } from './support/test-app.js';

const HOUR = 60 * 60 * 1000;

/**
 * `pnpm backup` / `pnpm restore` on the embedded default (database/backup.ts): a snapshot taken while the app runs,
 * restored into a fresh DATA_DIR, on which the app boots and shows the same users, attendance and uploaded files.
 * Always the embedded database, also under `pnpm test:system` (whose suites otherwise run on PostgreSQL).
 */
describe('backup and restore (embedded database)', () => {
  const work = mkdtempSync(join(tmpdir(), 'sysponto-backup-test-'));
  const original = join(work, 'original');
  const restored = join(work, 'restored');
  const backupFile = join(work, 'school.tar.gz');
  const cliEnv = (dataDir: string) => ({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: '' });
  let t: TestApp;
  let student: Awaited<ReturnType<typeof actor>>;
  let sessionId: string;
  let justificationId: string;
  const pdf = samplePdf('Backed-up doctor note');
  const lines: string[] = [];
  const cli = (argv: string[], dataDir: string) => runBackupCli(argv, cliEnv(dataDir), (l) => lines.push(l));

  beforeAll(async () => {
    t = await createTestApp(process.env.TEST_DATABASE_URL ? { DATABASE_URL: '', DATA_DIR: original } : {});
    const teacher = await actor(t, 'teacher');
    student = await actor(t, 'student', { fullName: 'Ana Backup' });
    const course = await createCourse(t, { code: 'BAK101', teacherIds: [teacher.id], studentIds: [student.id] });
    const session = await createSession(t, course.id, {
      startsAt: new Date(Date.now() - 3 * HOUR),
      endsAt: new Date(Date.now() - HOUR),
      state: 'closed',
    });
    sessionId = session.id;
    await createRecord(t, session.id, student.id, 'absent');
    const res = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .field('sessionId', session.id)
      .field('type', 'absence')
      .field('reason', 'Flu')
      .attach('document', pdf, { filename: 'atestado.pdf', contentType: 'application/pdf' })
      .expect(201);
    justificationId = res.body.id;
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the app runs, restores into an empty DATA_DIR, and the restored app has the data', async () => {
    const dataDir = t.config.dataDir;
    // Writes keep coming while the snapshot is taken: the snapshot is whole either way.
    const writes = Promise.all(Array.from({ length: 10 }, () => createUser(t)));
    await expect(cli(['backup', backupFile], dataDir)).resolves.toBe(0);
    await writes;
    expect(lines.at(-1)).toMatch(/^Backup written by the running app: .*school\.tar\.gz \(\d+ bytes, 1 uploaded file/);
    // After the snapshot: not in the backup.
    const late = await createUser(t, { email: 'after-the-backup@test.local' });
    expect(late.id).toBeTruthy();

    // A second process on the running app's DATA_DIR is refused (it would corrupt the embedded database).
    await expect(
      createApp(testConfig({ DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' }), { logger: false }),
    ).rejects.toThrow(/is in use by process \d+/);

    // Restore refuses a DATA_DIR that is not empty, and leaves it as it was.
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'busy', 'keep.txt'), 'mine');
    await expect(cli(['restore', backupFile], join(work, 'busy'))).rejects.toThrow(BackupError);
    expect(readdirSync(join(work, 'busy'))).toEqual(['keep.txt']);

    await expect(cli(['restore', backupFile], restored)).resolves.toBe(0);
    expect(lines.at(-1)).toMatch(/^Restored .* \(taken .*, 1 uploaded file\(s\)\) into /);
    await t.close();

    const app = await createApp(testConfig({ DATA_DIR: restored, DATABASE_URL: '', REDIS_URL: '' }), {
      logger: false,
    });
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const http = request(app.getHttpServer());
      const login = await http.post('/api/auth/login').send({ email: student.email, password: PASSWORD }).expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      expect(login.body.user.fullName).toBe('Ana Backup');
      const mine = await http.get('/api/me/attendance').set(auth).expect(200);
      expect(JSON.stringify(mine.body)).toContain(sessionId);
      const doc = await http
        .get(`/api/justifications/${justificationId}/document`)
        .set(auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(Buffer.compare(doc.body as Buffer, pdf)).toBe(0);
      await http.post('/api/auth/login').send({ email: 'after-the-backup@test.local', password: PASSWORD }).expect(401);
    } finally {
      await app.close();
    }
  }, 240_000);

  it('backs up a stopped app from its DATA_DIR, and on PostgreSQL prints the pg_dump recipe', async () => {
    const offline = join(work, 'offline.tar.gz');
    await expect(cli(['backup', offline], restored)).resolves.toBe(0);
    expect(lines.at(-1)).toMatch(/^Backup written by this process \(the app is not running\)/);
    expect(existsSync(offline)).toBe(true);
    expect(existsSync(join(restored, 'control.json'))).toBe(false);

    const out: string[] = [];
    await expect(
      runBackupCli(['backup'], { ...cliEnv(restored), DATABASE_URL: 'postgres://db/sysponto' }, (l) => out.push(l)),
    ).resolves.toBe(2);
    expect(out).toEqual([POSTGRES_RECIPE]);
    await expect(cli(['backup'], join(work, 'nothing-here'))).rejects.toThrow(/nothing to back up/);
  });
});
