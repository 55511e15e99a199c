import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCourse, enroll } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';
import { startReceiver } from './support/webhook-receiver.js';

type Actor = Awaited<ReturnType<typeof actor>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A text-format export of Moodle's attendance activity (CS101, 4 students, 5 sessions, group mode). */
const FIXTURE = readFileSync(join(__dirname, 'fixtures/moodle-attendance-CS101.txt'));

describe('POST /api/courses/:id/import/moodle-attendance', () => {
  let t: TestApp;
  let admin: Actor;
  let teacher: Actor;
  let otherTeacher: Actor;
  let student: Actor;
  let rx: Receiver;
  let course: { id: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    [admin, teacher, otherTeacher] = [await actor(t, 'admin'), await actor(t, 'teacher'), await actor(t, 'teacher')];
    student = await actor(t, 'student', { email: 'ana.silva@school.test', studentNumber: 'A2025001' });
    ids.ana = student.id;
    ids.bruno = (await createUser(t, { email: 'bruno.costa@school.test', role: 'student' })).id;
    ids.carla = (await createUser(t, { email: 'carla@elsewhere.test', studentNumber: 'A2025003' })).id;
    ids.duarte = (await createUser(t, { email: 'duarte.gomes@school.test' })).id;
    course = await createCourse(t, { code: 'CS101', teacherIds: [teacher.id], timezone: 'Europe/Lisbon' });
    // Enrolled in SysPonto today: the import moves their enrollments back to their first Moodle session.
    await enroll(t, course.id, Object.values(ids), new Date());
    rx = await startReceiver();
    await t.http
      .post('/api/webhooks')
      .set(admin.auth)
      .send({ url: rx.url('/moodle'), events: ['attendance.updated', 'session.closed'] })
      .expect(201);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const post = (file: Buffer | string, query = '', who: Actor = teacher, courseId = course.id) =>
    t.http
      .post(`/api/courses/${courseId}/import/moodle-attendance${query}`)
      .set(who.auth)
      .attach('file', Buffer.from(file), {
        filename: 'CS101_Attendances_20251101-1200.txt',
        contentType: 'text/plain',
      });
  const count = async (sql: string, params: unknown[] = [course.id]) =>
    (await t.dataSource.query(sql, params))[0].n as number;
  const sessionCount = () => count(`SELECT count(*)::int AS n FROM class_sessions WHERE course_id = $1`);

  it('previews the export: sessions in the course timezone, records by student, nothing written', async () => {
    const res = await post(FIXTURE, '?dryRun=true').expect(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      imported: false,
      fileCourse: 'CS101 Introduction to Programming',
      fileGroup: 'All participants',
      timezone: 'Europe/Lisbon',
      totalRows: 4,
      validRows: 4,
      invalidRows: 0,
      sessionsToCreate: 4,
      recordsToCreate: 12,
      byStatus: { present: 8, late: 1, excused: 1, absent: 2 },
      enrollmentsBackdated: 4,
      problems: [],
    });
    expect(res.body.mapping).toEqual([
      { acronym: 'P', status: 'present' },
      { acronym: 'L', status: 'late' },
      { acronym: 'E', status: 'excused' },
      { acronym: 'A', status: 'absent' },
    ]);
    expect(
      res.body.sessions.map((s: Record<string, unknown>) => [s.startsAt, s.endsAt, s.title, s.records, s.skipped]),
    ).toEqual([
      ['2025-10-06T08:00:00.000Z', '2025-10-06T09:00:00.000Z', null, 3, false],
      ['2025-10-13T08:00:00.000Z', '2025-10-13T09:00:00.000Z', null, 3, false],
      ['2025-10-20T08:00:00.000Z', '2025-10-20T09:00:00.000Z', 'Recursion and stacks', 4, false],
      ['2025-10-27T14:30:00.000Z', '2025-10-27T15:30:00.000Z', 'Turma A', 2, false],
      // Not taken in Moodle ("?" for everyone): left out.
      ['2031-12-15T09:00:00.000Z', '2031-12-15T10:00:00.000Z', null, 0, true],
    ]);
    // Matched by email (any case), or by ID number = student number when the email is missing.
    expect(res.body.rows.map((r: Record<string, unknown>) => [r.line, r.studentId, r.records])).toEqual([
      [5, ids.ana, 4],
      [6, ids.bruno, 4],
      [7, ids.carla, 3],
      [8, ids.duarte, 1],
    ]);
    expect(await sessionCount()).toBe(0);
  });

  it('lists every problem of a bad file, and a real run of it imports nothing (400 with the report)', async () => {
    await createUser(t, { email: 'outsider@school.test' });
    const lines = FIXTURE.toString('utf8').trimEnd().split('\n');
    const row = (last: string, email: string, id: string, cells: string[]) =>
      [last, 'X', 'Turma A', '1', id, email, ...cells, '0', '0', '0', '0', '0', '0', '0'].join('\t');
    const bad = [
      ...lines,
      row('Nobody', 'nobody@school.test', 'Z999', ['P (2/2)', '', '', '', '?']),
      row('Outsider', 'outsider@school.test', '', ['P (2/2)', '', '', '', '?']),
      row('Teacher', teacher.email, '', ['P (2/2)', '', '', '', '?']),
      row('Silva', 'ana.silva@school.test', '', ['X (0/2)', '', '', '', '?']),
      row('Mixed', 'bruno.costa@school.test', 'A2025003', ['P (2/2)', '', '', '', '?']),
    ].join('\n');
    const res = await post(bad).expect(200);
    expect(res.body).toMatchObject({ dryRun: true, totalRows: 9, validRows: 4, invalidRows: 5 });
    expect(res.body.problems).toEqual([
      { line: 9, field: 'student', reason: 'no SysPonto user has this email or ID number (student number)' },
      { line: 10, field: 'student', reason: 'outsider@school.test is not enrolled in this course' },
      { line: 11, field: 'student', reason: `${teacher.email} is not a student` },
      { line: 12, field: 'student', reason: 'the same student as line 5' },
      {
        line: 12,
        field: '6 Oct 2025 9.00AM All students',
        reason: 'status "X" is not mapped (mapping: P, L, E, A)',
      },
      { line: 13, field: 'student', reason: 'the email and the ID number belong to two different users' },
    ]);
    const real = await post(bad, '?dryRun=false').expect(400);
    expect(real.body.code).toBe('moodle-import/invalid-rows');
    expect(real.body.details.problems).toHaveLength(6);
    expect(await sessionCount()).toBe(0);
  });

  it('takes an edited mapping: another acronym, or a default one mapped elsewhere', async () => {
    const text = FIXTURE.toString('utf8').replace('L (1/2)', 'T (1/2)');
    const unmapped = await post(text).expect(200);
    expect(unmapped.body.problems).toEqual([
      {
        line: 5,
        field: '20 Oct 2025 9.00AM All students Recursion and stacks',
        reason: 'status "T" is not mapped (mapping: P, L, E, A)',
      },
    ]);
    const res = await post(text, `?mapping=${encodeURIComponent('T=late,A=excused')}&durationMinutes=90`).expect(200);
    expect(res.body.problems).toEqual([]);
    expect(res.body.byStatus).toEqual({ present: 8, late: 1, excused: 3, absent: 0 });
    expect(res.body.sessions[0].endsAt).toBe('2025-10-06T09:30:00.000Z');
    const bad = await post(FIXTURE, '?mapping=P%3Dpending').expect(400);
    expect(bad.body.code).toBe('moodle-import/invalid-mapping');
  });

  it('imports all of it in one go: closed sessions, records from `import`, log, audit, feed and webhooks', async () => {
    const res = await post(FIXTURE, '?dryRun=false').expect(200);
    expect(res.body).toMatchObject({ dryRun: false, imported: true, sessionsToCreate: 4, recordsToCreate: 12 });
    const created = res.body.sessions.filter((s: { skipped: boolean }) => !s.skipped);
    expect(created.every((s: { sessionId?: string }) => typeof s.sessionId === 'string')).toBe(true);

    const sessions = await t.dataSource.query(
      `SELECT id, state, title, starts_at, closed_by FROM class_sessions WHERE course_id = $1 ORDER BY starts_at`,
      [course.id],
    );
    expect(sessions.map((s: { state: string; title: string | null }) => [s.state, s.title])).toEqual([
      ['closed', null],
      ['closed', null],
      ['closed', 'Recursion and stacks'],
      ['closed', 'Turma A'],
    ]);
    expect(sessions.every((s: { closed_by: string }) => s.closed_by === teacher.id)).toBe(true);
    const records = await t.dataSource.query(
      `SELECT r.student_id, r.status, r.source FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id
        WHERE s.course_id = $1 ORDER BY s.starts_at, r.student_id`,
      [course.id],
    );
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r: { source: string }) => r.source))).toEqual(new Set(['import']));
    expect(
      await count(
        `SELECT count(*)::int AS n FROM attendance_events e JOIN class_sessions s ON s.id = e.session_id
          WHERE s.course_id = $1 AND e.source = 'import' AND e.from_status IS NULL AND e.actor_id = $2`,
        [course.id, teacher.id],
      ),
    ).toBe(12);
    // Enrollments now start at each student's first imported session: the imported sessions count in the rates.
    const enrolled = await t.dataSource.query(
      `SELECT student_id, enrolled_at FROM enrollments WHERE course_id = $1 AND ended_at IS NULL`,
      [course.id],
    );
    const since = Object.fromEntries(
      enrolled.map((e: { student_id: string; enrolled_at: Date }) => [e.student_id, e.enrolled_at.toISOString()]),
    );
    expect(since[ids.ana]).toBe('2025-10-06T08:00:00.000Z');
    expect(since[ids.duarte]).toBe('2025-10-20T08:00:00.000Z');
    const mine = await t.http.get('/api/me/attendance').set(student.auth).expect(200);
    expect(JSON.stringify(mine.body)).toContain(course.id);

    const [audit] = await t.dataSource.query(
      `SELECT actor_id, target_id, summary FROM audit_events WHERE action = 'course.attendance-imported'`,
    );
    expect(audit).toMatchObject({ actor_id: teacher.id, target_id: course.id });
    expect(audit.summary).toMatchObject({ source: 'moodle', sessions: 4, records: 12 });

    // The changes feed shows them; the webhooks went out, each session's records before its session.closed.
    const feed = await t.http
      .get(`/api/attendance-records?courseId=${course.id}&limit=100`)
      .set(teacher.auth)
      .expect(200);
    expect(feed.body.items.filter((i: { source: string }) => i.source === 'import')).toHaveLength(12);
    const got = await rx.waitFor((all) => all.filter((r) => r.path === '/moodle').length >= 16);
    const types = got.map((r) => r.json.type);
    expect(types.filter((x) => x === 'attendance.updated')).toHaveLength(12);
    expect(types.filter((x) => x === 'session.closed')).toHaveLength(4);
    const s0 = sessions[0].id as string;
    const ofS0 = got.filter((r) => r.json.data.sessionId === s0).map((r) => r.json.type);
    expect(ofS0).toEqual(['attendance.updated', 'attendance.updated', 'attendance.updated', 'session.closed']);
    expect(got.find((r) => r.json.type === 'attendance.updated')!.json.data).toMatchObject({
      source: 'import',
      previousStatus: null,
    });
  });

  it('refuses the same file twice: the sessions are already there', async () => {
    const res = await post(FIXTURE, '?dryRun=false').expect(400);
    expect(res.body.code).toBe('moodle-import/invalid-rows');
    expect(res.body.details.problems).toContainEqual({
      line: 4,
      field: '6 Oct 2025 9.00AM All students',
      reason: 'the course already has a session at this time',
    });
    expect(await sessionCount()).toBe(4);
  });

  it('is for the course’s teachers and admins only', async () => {
    await t.http
      .post(`/api/courses/${course.id}/import/moodle-attendance`)
      .attach('file', FIXTURE, 'a.txt')
      .expect(401);
    expect((await post(FIXTURE, '', student).expect(403)).body.code).toBe('auth/forbidden');
    await post(FIXTURE, '', otherTeacher).expect(404);
    const other = await createCourse(t, { code: 'CS102', timezone: 'America/Sao_Paulo' });
    const res = await post(FIXTURE, '', admin, other.id).expect(200);
    expect(res.body.timezone).toBe('America/Sao_Paulo');
    expect(res.body.sessions[0].startsAt).toBe('2025-10-06T12:00:00.000Z');
  });

  it('answers bad uploads with 4xx: no file, not an export, too large, garbage multipart, bad query', async () => {
    const noFile = await t.http
      .post(`/api/courses/${course.id}/import/moodle-attendance`)
      .set(teacher.auth)
      .field('note', 'x')
      .expect(400);
    expect(noFile.body.code).toBe('moodle-import/no-file');
    const json = await t.http
      .post(`/api/courses/${course.id}/import/moodle-attendance`)
      .set(teacher.auth)
      .send({ file: 'x' })
      .expect(400);
    expect(json.body.code).toBe('moodle-import/no-file');
    const notExport = await post('email,full name,role\na@b.test,A,student\n').expect(400);
    expect(notExport.body.code).toBe('moodle-import/not-an-export');
    const big = await post(Buffer.alloc(2 * 1024 * 1024 + 10, 'a')).expect(413);
    expect(big.body.code).toBe('moodle-import/too-large');
    const garbage = await t.http
      .post(`/api/courses/${course.id}/import/moodle-attendance`)
      .set(teacher.auth)
      .set('content-type', 'multipart/form-data; boundary=----x')
      .send('this is not multipart at all \u0001\u0002')
      .expect(400);
    expect(garbage.body.code).toMatch(/^(request\/malformed-multipart|moodle-import\/no-file)$/);
    const truncated = await t.http
      .post(`/api/courses/${course.id}/import/moodle-attendance`)
      .set(teacher.auth)
      .set('content-type', 'multipart/form-data; boundary=----x')
      .send('------x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nLast name\tFirst')
      .expect(400);
    expect(truncated.body.code).toBe('request/malformed-multipart');
    const tz = await post(FIXTURE, '?timezone=Mars/Olympus').expect(400);
    expect(tz.body.code).toBe('moodle-import/invalid-timezone');
    await post(FIXTURE, '?durationMinutes=0').expect(400);
    await post(FIXTURE, '', teacher, '00000000-0000-4000-8000-000000000000').expect(404);
    // A session that has not ended yet is not imported.
    const future = FIXTURE.toString('utf8').replace('6 Oct 2025', '6 Oct 2031');
    const res = await post(future).expect(200);
    expect(res.body.problems).toContainEqual({
      line: 4,
      field: '6 Oct 2031 9.00AM All students',
      reason: 'the session has not ended yet: only past sessions are imported',
    });
  });
});
