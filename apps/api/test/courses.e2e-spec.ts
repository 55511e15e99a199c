import { createCourse, createRecord, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, login, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

describe('courses, enrollments and join codes', () => {
  let t: TestApp;
  let admin: Actor;
  let teacherA: Actor;
  let teacherB: Actor;
  let studentIn: Actor;
  let studentOut: Actor;
  let courseA: { id: string; code: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
    teacherA = await actor(t, 'teacher', { fullName: 'Ana Teacher' });
    teacherB = await actor(t, 'teacher', { fullName: 'Bruno Teacher' });
    studentIn = await actor(t, 'student');
    studentOut = await actor(t, 'student');
    courseA = await createCourse(t, {
      code: 'AAA100',
      name: 'Algorithms',
      teacherIds: [teacherA.id],
      studentIds: [studentIn.id],
      joinCode: 'AAAJ2345',
    });
    await createCourse(t, {
      code: 'BBB200',
      name: 'Biology',
      teacherIds: [teacherB.id],
      studentIds: [studentOut.id],
      joinCode: 'BBBJ2345',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/courses', () => {
    it('lets an admin create a course: code upper-cased, policy defaults, teachers, a join code', async () => {
      const res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({
          code: ' new101 ',
          name: 'New course',
          timezone: 'America/New_York',
          teacherIds: [teacherA.id],
          policy: { lateAfterMinutes: 5 },
        })
        .expect(201);
      expect(res.body).toMatchObject({
        code: 'NEW101',
        name: 'New course',
        description: null,
        timezone: 'America/New_York',
        teachers: [{ id: teacherA.id, fullName: 'Ana Teacher' }],
        enrolledCount: 0,
        policy: { codeValidityMinutes: 10, lateAfterMinutes: 5, checkinOpensMinutes: 15, requiresValidation: true },
        relation: 'admin',
        joinCodeEnabled: true,
      });
      expect(res.body.joinCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
    });

    it('answers 409 courses/code-taken for a duplicate code, whatever its case', async () => {
      const res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'aaa100', name: 'Copy', timezone: 'UTC' })
        .expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'courses/code-taken' });
    });

    it('lets exactly one of two concurrent creates with the same code win', async () => {
      const body = { code: 'RACE1', name: 'Race', timezone: 'Europe/Lisbon' };
      const results = await Promise.all([
        t.http.post('/api/courses').set(admin.auth).send(body),
        t.http.post('/api/courses').set(admin.auth).send(body),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('courses/code-taken');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM courses WHERE code = 'RACE1'`);
      expect(n).toBe(1);
    });

    it('rejects unknown time zones, non-teachers as teachers, unknown fields and bad policies', async () => {
      let res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'TZ1', name: 'x', timezone: 'Mars/Olympus' })
        .expect(400);
      expect(res.body.code).toBe('courses/invalid-timezone');
      res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'T1', name: 'x', timezone: 'UTC', teacherIds: [studentIn.id] })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'courses/not-teachers', details: { ids: [studentIn.id] } });
      res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'T2', name: 'x', timezone: 'UTC', owner: 'me' })
        .expect(400);
      expect(res.body.code).toBe('validation/failed');
      res = await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'T3', name: 'x', timezone: 'UTC', policy: { lateAfterMinutes: -1 } })
        .expect(400);
      expect(res.body.details[0].field).toBe('policy.lateAfterMinutes');
      await t.http
        .post('/api/courses')
        .set(admin.auth)
        .send({ code: 'bad code!', name: 'x', timezone: 'UTC' })
        .expect(400);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM courses WHERE code IN ('TZ1', 'T1', 'T2', 'T3')`,
      );
      expect(n).toBe(0);
    });

    it('is for admins only', async () => {
      for (const who of [teacherA, studentIn]) {
        await t.http.post('/api/courses').set(who.auth).send({ code: 'NOPE1', name: 'x', timezone: 'UTC' }).expect(403);
      }
      await t.http.post('/api/courses').send({ code: 'NOPE1', name: 'x', timezone: 'UTC' }).expect(401);
    });
  });

  describe('GET /api/courses and /api/courses/:id', () => {
    it('lists by role: admin all, teacher taught, student enrolled, join code only for staff', async () => {
      const codes = async (who: Actor, query = '') => {
        const res = await t.http.get(`/api/courses${query}`).set(who.auth).expect(200);
        return res.body;
      };
      const all = await codes(admin, '?pageSize=100');
      expect(all.items.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['AAA100', 'BBB200']));
      const taught = await codes(teacherA, '?search=aaa');
      expect(taught).toMatchObject({
        total: 1,
        page: 1,
        pageSize: 20,
        items: [{ code: 'AAA100', relation: 'teacher', joinCode: 'AAAJ2345', enrolledCount: 1 }],
      });
      const other = await codes(teacherB);
      expect(other.items.map((c: { code: string }) => c.code)).toEqual(['BBB200']);
      const enrolled = await codes(studentIn);
      expect(enrolled.items).toHaveLength(1);
      expect(enrolled.items[0]).toMatchObject({
        code: 'AAA100',
        relation: 'student',
        teachers: [{ fullName: 'Ana Teacher' }],
      });
      expect(enrolled.items[0]).not.toHaveProperty('joinCode');
      expect(enrolled.items[0]).not.toHaveProperty('joinCodeEnabled');
      const none = await codes(await actor(t, 'student'));
      expect(none).toMatchObject({ items: [], total: 0 });
    });

    it('pages with a stable sort and bounds pageSize', async () => {
      const p1 = await t.http.get('/api/courses?pageSize=1&page=1').set(admin.auth).expect(200);
      const p2 = await t.http.get('/api/courses?pageSize=1&page=2').set(admin.auth).expect(200);
      expect(p1.body.total).toBeGreaterThanOrEqual(2);
      expect(p1.body.items[0].code < p2.body.items[0].code).toBe(true);
      await t.http.get('/api/courses?pageSize=101').set(admin.auth).expect(400);
      await t.http.get('/api/courses?page=0').set(admin.auth).expect(400);
    });

    it('shows one course to its members and 404 to everybody else', async () => {
      const expectations: [Actor, number][] = [
        [admin, 200],
        [teacherA, 200],
        [teacherB, 404],
        [studentIn, 200],
        [studentOut, 404],
      ];
      for (const [who, status] of expectations) {
        const res = await t.http.get(`/api/courses/${courseA.id}`).set(who.auth).expect(status);
        if (status === 404) expect(res.body.code).toBe('courses/not-found');
      }
      await t.http.get('/api/courses/not-a-uuid').set(admin.auth).expect(400);
      await t.http.get('/api/courses/00000000-0000-4000-8000-000000000000').set(admin.auth).expect(404);
    });
  });

  describe('PATCH and DELETE /api/courses/:id', () => {
    it('lets the course teacher edit name, description, time zone and policy, but not code or teachers', async () => {
      const res = await t.http
        .patch(`/api/courses/${courseA.id}`)
        .set(teacherA.auth)
        .send({
          name: 'Algorithms I',
          description: 'Sorting and searching',
          timezone: 'Europe/Madrid',
          policy: { requiresValidation: false },
        })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Algorithms I',
        description: 'Sorting and searching',
        timezone: 'Europe/Madrid',
        policy: { requiresValidation: false, lateAfterMinutes: 10 },
      });
      let r = await t.http.patch(`/api/courses/${courseA.id}`).set(teacherA.auth).send({ code: 'HIJACK' }).expect(403);
      expect(r.body.code).toBe('courses/admin-only-fields');
      r = await t.http
        .patch(`/api/courses/${courseA.id}`)
        .set(teacherA.auth)
        .send({ teacherIds: [teacherA.id, teacherB.id] })
        .expect(403);
      expect(r.body.code).toBe('courses/admin-only-fields');
      await t.http
        .patch(`/api/courses/${courseA.id}`)
        .set(teacherA.auth)
        .send({ timezone: 'Nowhere/Land' })
        .expect(400);
      await t.http.patch(`/api/courses/${courseA.id}`).set(teacherB.auth).send({ name: 'x' }).expect(404);
      await t.http.patch(`/api/courses/${courseA.id}`).set(studentIn.auth).send({ name: 'x' }).expect(403);
      await t.http.patch(`/api/courses/${courseA.id}`).set(studentOut.auth).send({ name: 'x' }).expect(404);
      const after = await t.http.get(`/api/courses/${courseA.id}`).set(admin.auth).expect(200);
      expect(after.body).toMatchObject({ code: 'AAA100', name: 'Algorithms I' });
    });

    it('lets an admin change the code and replace the teachers (assignment), with 409 on a taken code', async () => {
      const c = await createCourse(t, { code: 'ASSIGN1', teacherIds: [teacherA.id] });
      const res = await t.http
        .patch(`/api/courses/${c.id}`)
        .set(admin.auth)
        .send({ code: 'assign2', teacherIds: [teacherB.id] })
        .expect(200);
      expect(res.body).toMatchObject({ code: 'ASSIGN2', teachers: [{ id: teacherB.id }] });
      await t.http.get(`/api/courses/${c.id}`).set(teacherA.auth).expect(404);
      await t.http.get(`/api/courses/${c.id}`).set(teacherB.auth).expect(200);
      const dup = await t.http.patch(`/api/courses/${c.id}`).set(admin.auth).send({ code: 'BBB200' }).expect(409);
      expect(dup.body.code).toBe('courses/code-taken');
      const bad = await t.http
        .patch(`/api/courses/${c.id}`)
        .set(admin.auth)
        .send({ teacherIds: [studentOut.id] })
        .expect(400);
      expect(bad.body.code).toBe('courses/not-teachers');
      const kept = await t.http.get(`/api/courses/${c.id}`).set(admin.auth).expect(200);
      expect(kept.body.teachers).toEqual([{ id: teacherB.id, fullName: 'Bruno Teacher' }]);
    });

    it('deletes for admins only, refusing while attendance exists unless forced', async () => {
      const c = await createCourse(t, { teacherIds: [teacherA.id], studentIds: [studentIn.id] });
      await t.http.delete(`/api/courses/${c.id}`).set(teacherA.auth).expect(403);
      await t.http.delete(`/api/courses/${c.id}`).set(studentIn.auth).expect(403);
      const s = await createSession(t, c.id);
      await createRecord(t, s.id, studentIn.id, 'present');
      const res = await t.http.delete(`/api/courses/${c.id}`).set(admin.auth).expect(409);
      expect(res.body.code).toBe('courses/has-attendance');
      await t.http.delete(`/api/courses/${c.id}?force=true`).set(admin.auth).expect(204);
      await t.http.get(`/api/courses/${c.id}`).set(admin.auth).expect(404);
      await t.http.delete(`/api/courses/${c.id}`).set(admin.auth).expect(404);
      const empty = await createCourse(t);
      await t.http.delete(`/api/courses/${empty.id}`).set(admin.auth).expect(204);
    });
  });

  describe('enrollments', () => {
    it('lists enrolled students for staff only', async () => {
      const expectations: [Actor, number][] = [
        [admin, 200],
        [teacherA, 200],
        [teacherB, 404],
        [studentIn, 403],
        [studentOut, 404],
      ];
      for (const [who, status] of expectations)
        await t.http.get(`/api/courses/${courseA.id}/enrollments`).set(who.auth).expect(status);
      const res = await t.http.get(`/api/courses/${courseA.id}/enrollments`).set(teacherA.auth).expect(200);
      expect(res.body).toMatchObject({
        total: 1,
        items: [{ studentId: studentIn.id, email: studentIn.email, courseId: courseA.id }],
      });
    });

    it('enrolls in bulk, treats already enrolled as fine, refuses non-students all or nothing', async () => {
      const c = await createCourse(t, { teacherIds: [teacherA.id], studentIds: [studentIn.id] });
      const fresh = await createUser(t, { role: 'student', fullName: 'Zed Fresh' });
      let res = await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(teacherA.auth)
        .send({ studentIds: [studentIn.id, fresh.id] })
        .expect(200);
      expect(res.body.added).toBe(1);
      expect(res.body.alreadyEnrolled).toEqual([studentIn.id]);
      expect(res.body.items.map((e: { studentId: string }) => e.studentId).sort()).toEqual(
        [studentIn.id, fresh.id].sort(),
      );
      expect(res.body.items.find((e: { studentId: string }) => e.studentId === fresh.id).source).toBe('teacher');
      // The new student is told; the one already enrolled is not told again.
      const freshLogin = await login(t, fresh.email);
      const notes = await t.http.get('/api/notifications').set(freshLogin.auth).expect(200);
      expect(notes.body.items).toMatchObject([{ type: 'course.enrolled', title: `Enrolled in ${c.code}` }]);
      const old = await t.http.get('/api/notifications').set(studentIn.auth).expect(200);
      expect(old.body.items.filter((n: { type: string }) => n.type === 'course.enrolled')).toHaveLength(0);
      const another = await createUser(t, { role: 'student' });
      res = await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(teacherA.auth)
        .send({ studentIds: [another.id, teacherB.id, '00000000-0000-4000-8000-000000000000'] })
        .expect(400);
      expect(res.body.code).toBe('courses/not-students');
      expect(res.body.details.ids).toEqual([teacherB.id, '00000000-0000-4000-8000-000000000000']);
      const list = await t.http.get(`/api/courses/${c.id}/enrollments`).set(admin.auth).expect(200);
      expect(list.body.total).toBe(2);
      // Ordered by name ('Student …' before 'Zed …'), paged, searched by name, email or student number.
      const second = await t.http.get(`/api/courses/${c.id}/enrollments?pageSize=1&page=2`).set(admin.auth).expect(200);
      expect(second.body).toMatchObject({ total: 2, page: 2, items: [{ studentId: fresh.id, fullName: 'Zed Fresh' }] });
      expect(second.body.items).toHaveLength(1);
      const found = await t.http.get(`/api/courses/${c.id}/enrollments?search=zed%20F`).set(admin.auth).expect(200);
      expect(found.body).toMatchObject({ total: 1, items: [{ studentId: fresh.id, studentNumber: null }] });
      const byEmail = await t.http
        .get(`/api/courses/${c.id}/enrollments?search=${encodeURIComponent(studentIn.email)}`)
        .set(admin.auth)
        .expect(200);
      expect(byEmail.body.items.map((e: { studentId: string }) => e.studentId)).toEqual([studentIn.id]);
      await t.http.post(`/api/courses/${c.id}/enrollments`).set(teacherA.auth).send({ studentIds: [] }).expect(400);
      await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(teacherA.auth)
        .send({ studentIds: ['x'] })
        .expect(400);
      await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(teacherB.auth)
        .send({ studentIds: [another.id] })
        .expect(404);
      await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(studentIn.auth)
        .send({ studentIds: [another.id] })
        .expect(403);
      await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(studentOut.auth)
        .send({ studentIds: [studentOut.id] })
        .expect(404);
      res = await t.http
        .post(`/api/courses/${c.id}/enrollments`)
        .set(admin.auth)
        .send({ studentIds: [another.id] })
        .expect(200);
      expect(res.body.items[0].source).toBe('admin');
    });

    it('removes a student (staff only), then 404 when not enrolled', async () => {
      const c = await createCourse(t, { teacherIds: [teacherA.id], studentIds: [studentIn.id, studentOut.id] });
      await t.http.delete(`/api/courses/${c.id}/enrollments/${studentIn.id}`).set(teacherB.auth).expect(404);
      await t.http.delete(`/api/courses/${c.id}/enrollments/${studentIn.id}`).set(studentOut.auth).expect(403);
      await t.http.delete(`/api/courses/${c.id}/enrollments/${studentIn.id}`).set(teacherA.auth).expect(204);
      const res = await t.http
        .delete(`/api/courses/${c.id}/enrollments/${studentIn.id}`)
        .set(teacherA.auth)
        .expect(404);
      expect(res.body.code).toBe('courses/not-enrolled');
      await t.http.get(`/api/courses/${c.id}`).set(studentIn.auth).expect(404);
      await t.http.get(`/api/courses/${c.id}`).set(studentOut.auth).expect(200);
    });
  });

  describe('join codes', () => {
    it('joins with the code (any case, dashes ignored), idempotently', async () => {
      const c = await createCourse(t, { code: 'JOIN1', joinCode: 'JNCD2345', teacherIds: [teacherA.id] });
      const s = await actor(t, 'student');
      let res = await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'jncd-2345' }).expect(200);
      expect(res.body).toMatchObject({
        alreadyEnrolled: false,
        course: { id: c.id, code: 'JOIN1', relation: 'student', enrolledCount: 1 },
      });
      expect(res.body.course).not.toHaveProperty('joinCode');
      res = await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'JNCD2345' }).expect(200);
      expect(res.body).toMatchObject({ alreadyEnrolled: true, course: { enrolledCount: 1 } });
      const [{ n, source }] = await t.dataSource.query(
        `SELECT count(*)::int AS n, min(source) AS source FROM enrollments WHERE course_id = $1`,
        [c.id],
      );
      expect({ n, source }).toEqual({ n: 1, source: 'join-code' });
      await t.http.post('/api/courses/join').set(teacherA.auth).send({ joinCode: 'JNCD2345' }).expect(403);
      await t.http.post('/api/courses/join').set(admin.auth).send({ joinCode: 'JNCD2345' }).expect(403);
    });

    it('answers one generic 404 for wrong and disabled codes; regenerating retires the old code', async () => {
      const c = await createCourse(t, { code: 'JOIN2', joinCode: 'DSBL2345', teacherIds: [teacherA.id] });
      const s = await actor(t, 'student');
      const wrong = await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'NOPE2345' }).expect(404);
      expect(wrong.body.code).toBe('courses/join-code-invalid');

      await t.http.patch(`/api/courses/${c.id}/join-code`).set(teacherB.auth).send({ enabled: false }).expect(404);
      await t.http.patch(`/api/courses/${c.id}/join-code`).set(studentIn.auth).send({ enabled: false }).expect(404);
      const off = await t.http
        .patch(`/api/courses/${c.id}/join-code`)
        .set(teacherA.auth)
        .send({ enabled: false })
        .expect(200);
      expect(off.body).toMatchObject({ joinCode: 'DSBL2345', joinCodeEnabled: false });
      const disabled = await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'DSBL2345' }).expect(404);
      expect(disabled.body).toEqual(wrong.body);

      await t.http.post(`/api/courses/${c.id}/join-code`).set(teacherB.auth).expect(404);
      const regen = await t.http.post(`/api/courses/${c.id}/join-code`).set(teacherA.auth).expect(200);
      expect(regen.body.joinCodeEnabled).toBe(true);
      expect(regen.body.joinCode).not.toBe('DSBL2345');
      await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'DSBL2345' }).expect(404);
      await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: regen.body.joinCode }).expect(200);
      // Now enrolled: the student sees the course but may not touch its join code.
      await t.http.post(`/api/courses/${c.id}/join-code`).set(s.auth).expect(403);
      const adminRegen = await t.http.post(`/api/courses/${c.id}/join-code`).set(admin.auth).expect(200);
      expect(adminRegen.body.joinCode).not.toBe(regen.body.joinCode);
    });

    it('limits wrong codes per student with 429 and Retry-After, without touching other students', async () => {
      const s = await actor(t, 'student');
      for (let i = 0; i < 10; i++)
        await t.http
          .post('/api/courses/join')
          .set(s.auth)
          .send({ joinCode: `WRNG${i}` })
          .expect(404);
      const limited = await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'WRNGX' }).expect(429);
      expect(limited.body.code).toBe('courses/join-rate-limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Even a good code waits until the window ends.
      await t.http.post('/api/courses/join').set(s.auth).send({ joinCode: 'AAAJ2345' }).expect(429);
      const other = await actor(t, 'student');
      await t.http.post('/api/courses/join').set(other.auth).send({ joinCode: 'AAAJ2345' }).expect(200);
    });

    it('validates the body', async () => {
      await t.http.post('/api/courses/join').set(studentIn.auth).send({}).expect(400);
      await t.http
        .post('/api/courses/join')
        .set(studentIn.auth)
        .send({ joinCode: 'x'.repeat(40) })
        .expect(400);
      await t.http.post('/api/courses/join').set(studentIn.auth).send({ joinCode: 12345 }).expect(400);
    });
  });
});
