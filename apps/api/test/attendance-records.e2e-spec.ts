import { createCourse, createRecord, createSession, settleChangesFeed } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;
interface Change {
  id: string;
  sessionId: string;
  courseId: string;
  studentId: string;
  status: string;
  updatedAt: string;
}
interface Page {
  items: Change[];
  nextCursor: string;
  hasMore: boolean;
}

describe('GET /api/attendance-records (changes feed)', () => {
  let t: TestApp;
  let admin: Actor;
  let teacher: Actor;
  let otherTeacher: Actor;
  let student: Actor;
  let students: { id: string }[];
  let course: { id: string };
  let otherCourse: { id: string };
  let session: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    [admin, teacher, otherTeacher, student] = [
      await actor(t, 'admin'),
      await actor(t, 'teacher'),
      await actor(t, 'teacher'),
      await actor(t, 'student'),
    ];
    students = [student, ...(await Promise.all([1, 2, 3, 4].map(() => createUser(t, { role: 'student' }))))];
    course = await createCourse(t, { teacherIds: [teacher.id], studentIds: students.map((s) => s.id) });
    otherCourse = await createCourse(t, { teacherIds: [otherTeacher.id], studentIds: [students[1].id] });
    session = await createSession(t, course.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const feed = async (who: Actor, query: Record<string, string | number> = {}): Promise<Page> =>
    (await t.http.get('/api/attendance-records').query(query).set(who.auth).expect(200)).body as Page;

  /** Follows nextCursor until a short page; returns every item seen and the cursor to store. */
  const drain = async (who: Actor, cursor?: string, query: Record<string, string | number> = {}) => {
    await settleChangesFeed(t);
    const seen: Change[] = [];
    for (let i = 0; i < 50; i++) {
      const page = await feed(who, { ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    return { seen, cursor: cursor! };
  };

  it('serves every change once in keyset pages, then each later change once more', async () => {
    const start = await drain(admin);
    // A check-in through the real SQL function, and records written directly.
    const code = (await t.http.post(`/api/sessions/${session.id}/codes`).set(teacher.auth).send({ mode: 'fixed' })).body
      .code as string;
    await t.http.post('/api/check-ins').set(student.auth).send({ code }).expect(201);
    for (const s of students.slice(1)) await createRecord(t, session.id, s.id, 'present');

    // A change is served once every older transaction has ended (a background worker may hold one a moment):
    // follow the cursor, polling, until the five records have come.
    const pages: Page[] = [];
    let cursor = start.cursor;
    for (let polls = 0; polls < 100; polls++) {
      const page = await feed(admin, { cursor, limit: 2 });
      pages.push(page);
      cursor = page.nextCursor;
      if (page.hasMore) continue;
      if (pages.flatMap((p) => p.items).length >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.studentId).sort()).toEqual(students.map((s) => s.id).sort());
    expect(new Set(items.map((i) => i.id)).size).toBe(5);
    expect(Math.max(...pages.map((p) => p.items.length))).toBe(2);
    const mine = items.find((i) => i.studentId === student.id)!;
    expect(mine).toMatchObject({ sessionId: session.id, courseId: course.id, status: 'pending', source: 'code' });
    expect(Date.parse(mine.updatedAt)).toBeGreaterThan(Date.now() - 120_000);

    // Nothing new: an empty page with a cursor to keep.
    const idle = await feed(admin, { cursor });
    expect(idle).toMatchObject({ items: [], hasMore: false });
    expect(typeof idle.nextCursor).toBe('string');

    // The teacher validates: that record comes again, with its new status and a later updatedAt.
    await t.http
      .patch(`/api/sessions/${session.id}/attendance/${student.id}`)
      .set(teacher.auth)
      .send({ status: 'present' })
      .expect(200);
    let after = await drain(admin, idle.nextCursor);
    for (let polls = 0; polls < 100 && after.seen.length === 0; polls++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await drain(admin, after.cursor);
    }
    expect(after.seen).toHaveLength(1);
    expect(after.seen[0]).toMatchObject({ id: mine.id, status: 'present' });
    expect(Date.parse(after.seen[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(mine.updatedAt));
  });

  it('is scoped: teachers see their courses, students themselves; filters narrow it', async () => {
    const other = await createSession(t, otherCourse.id);
    await createRecord(t, other.id, students[1].id, 'late');
    const byTeacher = (await drain(teacher)).seen;
    expect(byTeacher.length).toBeGreaterThan(0);
    expect(byTeacher.every((i) => i.courseId === course.id)).toBe(true);
    const byOther = (await drain(otherTeacher)).seen;
    expect(byOther.map((i) => i.sessionId)).toEqual([other.id]);
    const byStudent = (await drain(student)).seen;
    expect(byStudent.length).toBeGreaterThan(0);
    expect(byStudent.every((i) => i.studentId === student.id)).toBe(true);
    const filtered = (await drain(admin, undefined, { studentId: students[1].id, courseId: otherCourse.id })).seen;
    expect(filtered.map((i) => i.sessionId)).toEqual([other.id]);
    const bySession = (await drain(admin, undefined, { sessionId: session.id })).seen;
    expect(bySession.every((i) => i.sessionId === session.id)).toBe(true);
    const future = (await drain(admin, undefined, { updatedSince: new Date(Date.now() + 3600_000).toISOString() }))
      .seen;
    expect(future).toEqual([]);
  });

  it('never serves a change ahead of an older transaction that has not committed yet', async () => {
    const late = await createSession(t, course.id);
    const { cursor } = await drain(admin);
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    // T1 writes first (lower transaction id) and stays open...
    await runner.query(
      `INSERT INTO attendance_records (session_id, student_id, status, source) VALUES ($1, $2, 'absent', 'teacher')`,
      [late.id, students[2].id],
    );
    // ...while T2 writes after it and commits (on the embedded database it waits for T1: both orders are checked).
    const t2 = createRecord(t, late.id, students[3].id, 'present');
    const read = drain(admin, cursor);
    await new Promise((r) => setTimeout(r, 300));
    const early = await Promise.race([read, new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    await runner.commitTransaction();
    await runner.release();
    await t2;
    const first = (early ?? (await read)).seen.filter((i) => i.sessionId === late.id).map((i) => i.studentId);
    // Whatever the first read saw, it never has T2's change without T1's before it.
    if (first.includes(students[3].id)) expect(first.indexOf(students[2].id)).toBeGreaterThanOrEqual(0);
    const firstCursor = (early ?? (await read)).cursor;
    const rest = (await drain(admin, firstCursor)).seen.filter((i) => i.sessionId === late.id).map((i) => i.studentId);
    expect([...first, ...rest].sort()).toEqual([students[2].id, students[3].id].sort());
  });

  it('rejects a cursor it did not make and bounds the limit', async () => {
    const res = await t.http.get('/api/attendance-records').query({ cursor: 'bogus' }).set(admin.auth).expect(400);
    expect(res.body.code).toBe('attendance-records/cursor-invalid');
    await t.http.get('/api/attendance-records').query({ limit: 1001 }).set(admin.auth).expect(400);
    await t.http.get('/api/attendance-records').expect(401);
  });
});
