import { createCourse } from './support/factories.js';
import { actor, createTestApp, createUser, login, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

describe('POST /api/users/import (CSV)', () => {
  let t: TestApp;
  let admin: Actor;
  let course: { id: string; code: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await actor(t, 'admin');
    course = await createCourse(t, { code: 'IMP101' });
    await createCourse(t, { code: 'IMP102' });
    await createUser(t, { email: 'taken@school.test', role: 'student', studentNumber: 'N-TAKEN' });
  });
  afterAll(async () => {
    await t.close();
  });

  const userCount = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n as number;
  const postCsv = (csv: string | Buffer, dryRun?: boolean, who: Actor = admin) =>
    t.http
      .post(`/api/users/import${dryRun === undefined ? '' : `?dryRun=${dryRun}`}`)
      .set(who.auth)
      .set('Content-Type', 'text/csv')
      .send(typeof csv === 'string' ? Buffer.from(csv) : csv);

  const mixed = [
    'Email,Full Name,Role,Student Number,Courses',
    'good@school.test,Good Student,student,N-100,imp101',
    'not-an-email,Bad Email,student,,',
    'dup@school.test,First Dup,student,N-101,',
    'DUP@school.test,Second Dup,student,N-102,',
    'taken@school.test,Already There,student,,',
    'role@school.test,Bad Role,janitor,,',
    'course@school.test,Unknown Course,student,,IMP101;NOPE999',
    'teach@school.test,Teacher With Course,teacher,,IMP101',
    'number@school.test,Number Clash,student,N-TAKEN,',
    'fields@school.test,Too Many,student,,,extra',
    ',,,,',
    'noname@school.test,,student,,',
  ].join('\n');

  it('previews a mixed file: every bad row with line, field and reason; nothing written', async () => {
    const before = await userCount();
    const res = await postCsv(mixed).expect(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      imported: false,
      totalRows: 11,
      validRows: 2,
      invalidRows: 9,
      created: 0,
      enrollments: 1,
    });
    const errorsByLine = Object.fromEntries(
      res.body.rows.map((r: { line: number; errors: { field: string }[] }) => [r.line, r.errors.map((e) => e.field)]),
    );
    expect(errorsByLine).toEqual({
      2: [],
      3: ['email'],
      4: [],
      5: ['email'],
      6: ['email'],
      7: ['role'],
      8: ['courses'],
      9: ['courses'],
      10: ['student number'],
      11: ['row'],
      13: ['full name'],
    });
    expect(res.body.errors).toContainEqual({
      line: 5,
      field: 'email',
      reason: 'appears twice in the file (also on line 4)',
    });
    expect(res.body.errors).toContainEqual({
      line: 6,
      field: 'email',
      reason: 'a user with this email already exists',
    });
    expect(res.body.errors).toContainEqual({ line: 8, field: 'courses', reason: 'unknown course NOPE999' });
    expect(res.body.rows[0]).toMatchObject({
      line: 2,
      email: 'good@school.test',
      fullName: 'Good Student',
      role: 'student',
      studentNumber: 'N-100',
      courses: ['IMP101'],
    });
    expect(res.body.rows[0]).not.toHaveProperty('temporaryPassword');
    expect(await userCount()).toBe(before);
  });

  it('refuses a real run with any bad row: 400 with the same report, nothing written', async () => {
    const before = await userCount();
    const res = await postCsv(mixed, false).expect(400);
    expect(res.body).toMatchObject({
      code: 'users-import/invalid-rows',
      details: { dryRun: false, imported: false, invalidRows: 9 },
    });
    expect(await userCount()).toBe(before);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'good@school.test'`);
    expect(n).toBe(0);
  });

  it('imports a good file (multipart) in one go: users, enrollments, one-time passwords that must be changed', async () => {
    const csv =
      '\uFEFFemail,full name,role,student number,courses\n' +
      'ana@school.test,"Silva, Ana",student,N-200,IMP101; IMP102\n' +
      'rui@school.test,Rui Costa,student,N-201,IMP101\n' +
      'tea@school.test,Teresa Teacher,teacher,,\n';
    const preview = await t.http
      .post('/api/users/import?dryRun=true')
      .set(admin.auth)
      .attach('file', Buffer.from(csv), { filename: 'users.csv', contentType: 'text/csv' })
      .expect(200);
    expect(preview.body).toMatchObject({ totalRows: 3, validRows: 3, invalidRows: 0, enrollments: 3, created: 0 });
    const res = await t.http
      .post('/api/users/import?dryRun=false')
      .set(admin.auth)
      .attach('file', Buffer.from(csv), { filename: 'users.csv', contentType: 'text/csv' })
      .expect(200);
    expect(res.body).toMatchObject({ dryRun: false, imported: true, created: 3, enrollments: 3, errors: [] });
    const ana = res.body.rows[0];
    expect(ana).toMatchObject({
      email: 'ana@school.test',
      fullName: 'Silva, Ana',
      studentNumber: 'N-200',
      courses: ['IMP101', 'IMP102'],
      userId: expect.any(String),
    });
    expect(ana.temporaryPassword).toEqual(expect.any(String));
    const session = await login(t, 'ana@school.test', ana.temporaryPassword);
    expect(session.user).toMatchObject({ role: 'student', mustChangePassword: true });
    const enrolled = await t.http.get(`/api/courses/${course.id}/enrollments`).set(admin.auth).expect(200);
    expect(enrolled.body.items.map((e: { email: string; source: string }) => [e.email, e.source])).toEqual([
      ['rui@school.test', 'import'],
      ['ana@school.test', 'import'],
    ]); // sorted by full name: "Rui Costa" < "Silva, Ana"
    const teacher = await t.dataSource.query(`SELECT role, student_number FROM users WHERE email = 'tea@school.test'`);
    expect(teacher).toEqual([{ role: 'teacher', student_number: null }]);
    // Importing the same file again: every row is now a duplicate of an existing user, not a crash.
    const again = await postCsv(csv, false).expect(400);
    expect(again.body.details.errors.map((e: { field: string }) => e.field)).toEqual([
      'email',
      'student number',
      'email',
      'student number',
      'email',
    ]);
  });

  it('lets one of two concurrent imports of the same users win, the other fails cleanly with nothing written', async () => {
    const csv =
      'email,full name,role,student number\nrace1@school.test,Race One,student,R-1\nrace2@school.test,Race Two,student,R-2\n';
    const [a, b] = await Promise.all([postCsv(csv, false), postCsv(csv, false)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([400, 409]).toContain(statuses[1]);
    const loser = a.status === 200 ? b : a;
    expect(['users-import/conflict', 'users-import/invalid-rows']).toContain(loser.body.code);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE email LIKE 'race_@school.test'`,
    );
    expect(n).toBe(2);
  });

  it('checks the header', async () => {
    let res = await postCsv('email,full name,role\nx@school.test,X,student\n').expect(400);
    expect(res.body).toMatchObject({ code: 'users-import/bad-header', details: { missing: ['student number'] } });
    res = await postCsv('email,full name,role,student number,password\n').expect(400);
    expect(res.body).toMatchObject({ code: 'users-import/bad-header', details: { unknown: ['password'] } });
    res = await postCsv('email,email,full name,role,student number\n').expect(400);
    expect(res.body.details.duplicate).toEqual(['email']);
    res = await postCsv('').expect(400);
    expect(res.body.code).toBe('users-import/bad-header');
    res = await postCsv('email,full name,role,student number\n\n').expect(400);
    expect(res.body.code).toBe('users-import/empty');
  });

  it('bounds size and rows, refuses malformed CSV and other content types', async () => {
    const header = 'email,full name,role,student number\n';
    let res = await postCsv(header + 'x@school.test,"unclosed,student,\n').expect(400);
    expect(res.body.code).toBe('users-import/not-csv');
    const big = header + `a@school.test,${'x'.repeat(1000)},student,\n`.repeat(2500);
    res = await postCsv(big).expect(413);
    expect(res.body.code).toBe('users-import/too-large');
    res = await t.http
      .post('/api/users/import')
      .set(admin.auth)
      .attach('file', Buffer.from(big), { filename: 'big.csv', contentType: 'text/csv' })
      .expect(413);
    expect(res.body.code).toBe('users-import/too-large');
    const many = header + Array.from({ length: 5001 }, (_v, i) => `u${i}@school.test,U ${i},student,`).join('\n');
    res = await postCsv(many).expect(400);
    expect(res.body.code).toBe('users-import/too-many-rows');
    await t.http.post('/api/users/import').set(admin.auth).send({ csv: 'x' }).expect(415);
    res = await t.http
      .post('/api/users/import')
      .set(admin.auth)
      .attach('other', Buffer.from(header), 'users.csv')
      .expect(400);
    expect(res.body.code).toBe('users-import/no-file');
    await t.http
      .post('/api/users/import?dryRun=maybe')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(header)
      .expect(400);
  });

  it('is for admins only', async () => {
    for (const role of ['teacher', 'student'] as const) {
      const who = await actor(t, role);
      await postCsv('email,full name,role,student number\nz@school.test,Z,admin,\n', true, who).expect(403);
    }
    await t.http.post('/api/users/import').set('Content-Type', 'text/csv').send('x').expect(401);
  });

  it('mode=valid imports the valid rows only and hands back the rejected ones as CSV with their error', async () => {
    const before = await userCount();
    const res = await t.http
      .post('/api/users/import?dryRun=false&mode=valid')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(mixed))
      .expect(200);
    expect(res.body).toMatchObject({ dryRun: false, imported: true, validRows: 2, invalidRows: 9, created: 2 });
    expect(await userCount()).toBe(before + 2);
    const written = res.body.rows.filter((r: { userId?: string }) => r.userId);
    expect(written.map((r: { email: string }) => r.email)).toEqual(['good@school.test', 'dup@school.test']);
    expect(written.every((r: { temporaryPassword?: string }) => r.temporaryPassword)).toBe(true);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM enrollments e JOIN users u ON u.id = e.student_id WHERE u.email = 'good@school.test' AND e.course_id = $1`,
      [course.id],
    );
    expect(n).toBe(1);

    const lines: string[] = res.body.rejectedCsv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('email,full name,role,student number,courses,error');
    expect(lines).toHaveLength(1 + 9);
    expect(lines).toContain(
      'dup@school.test,Second Dup,student,N-102,,email: appears twice in the file (also on line 4)',
    );
    expect(lines).toContain('role@school.test,Bad Role,janitor,,,"role: must be one of student, teacher, admin"');
    expect(lines).toContain('taken@school.test,Already There,student,,,email: a user with this email already exists');

    // The rejected file, fixed, imports as it is (its error column is ignored).
    const fixed = [lines[0], 'role@school.test,Bad Role,teacher,,,"role: must be one of student, teacher, admin"'].join(
      '\n',
    );
    const again = await postCsv(fixed, false).expect(200);
    expect(again.body).toMatchObject({ imported: true, created: 1, rejectedCsv: null });
    // A file with nothing valid writes nothing.
    const none = await t.http
      .post('/api/users/import?dryRun=false&mode=valid')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from('email,full name,role,student number\ntaken@school.test,X,student,'))
      .expect(200);
    expect(none.body).toMatchObject({ imported: false, created: 0, invalidRows: 1 });
    await t.http
      .post('/api/users/import?dryRun=false&mode=some')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(mixed))
      .expect(400);
  });
});
