import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServerEvent } from '@sysponto/contracts';
import { FileStorage } from '../src/modules/storage/file-storage.js';
import { LocalDiskStorage } from '../src/modules/storage/local-disk.storage.js';
import { seedJustifications } from '../src/demo/justifications.seed.js';
import { chunkedUpload, DAY, HOUR, samplePdf, storedFiles } from './justifications-fixtures.js';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { connectSocket, nextEvent, watch } from './support/sockets.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';

type Actor = Awaited<ReturnType<typeof actor>>;

describe('justifications', () => {
  let t: TestApp;
  let teacher: Actor;
  let otherTeacher: Actor;
  let student: Actor;
  let classmate: Actor;
  let admin: Actor;
  let courseId: string;

  /** A session of the course that ended an hour ago (in the justification window). */
  const pastSession = async (over: { startsAt?: Date; endsAt?: Date } = {}) =>
    createSession(t, courseId, {
      startsAt: over.startsAt ?? new Date(Date.now() - 3 * HOUR),
      endsAt: over.endsAt ?? new Date(Date.now() - HOUR),
      state: 'closed',
    });

  const file = (
    who: Actor,
    fields: Record<string, string>,
    doc?: { buffer: Buffer; name: string; contentType?: string },
  ) => {
    const req = t.http.post('/api/justifications').set(who.auth);
    for (const [k, v] of Object.entries(fields)) void req.field(k, v);
    if (doc)
      void req.attach('document', doc.buffer, {
        filename: doc.name,
        contentType: doc.contentType ?? 'application/pdf',
      });
    return req;
  };
  const justificationRows = async (sessionId: string) =>
    (
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM justifications WHERE session_id = $1`, [
        sessionId,
      ])) as { n: number }[]
    )[0].n;

  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
    [teacher, otherTeacher, student, classmate, admin] = [
      await actor(t, 'teacher'),
      await actor(t, 'teacher'),
      await actor(t, 'student'),
      await actor(t, 'student'),
      await actor(t, 'admin'),
    ];
    courseId = (
      await createCourse(t, { code: 'JUS101', teacherIds: [teacher.id], studentIds: [student.id, classmate.id] })
    ).id;
    await createCourse(t, { teacherIds: [otherTeacher.id] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts a real PDF, tells the teachers, and serves it only to the owner, the course teachers and admins', async () => {
    const session = await pastSession();
    const teacherSocket = await connectSocket(t.url, teacher.token);
    const submitted = nextEvent(teacherSocket, ServerEvent.JustificationSubmitted);
    const notified = nextEvent(teacherSocket, ServerEvent.NotificationCreated);
    const pdf = samplePdf('Doctor note');

    const res = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'I had the flu.' },
      { buffer: pdf, name: 'atestado médico.pdf' },
    ).expect(201);
    expect(res.body).toMatchObject({
      sessionId: session.id,
      courseId,
      courseCode: 'JUS101',
      studentId: student.id,
      type: 'absence',
      reason: 'I had the flu.',
      status: 'pending',
      document: { name: 'atestado médico.pdf', type: 'application/pdf', size: pdf.length },
      reviewerId: null,
    });
    await expect(submitted).resolves.toEqual({
      justificationId: res.body.id,
      sessionId: session.id,
      courseId,
      studentId: student.id,
      fullName: student.fullName,
      type: 'absence',
    });
    await expect(notified).resolves.toMatchObject({
      type: 'justification.submitted',
      title: `New justification from ${student.fullName}`,
    });
    teacherSocket.close();

    // Stored under a random name, never the user's.
    const files = storedFiles(t);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[a-f0-9]{2}\/[a-f0-9]{32}$/);

    for (const who of [student, teacher, admin]) {
      const dl = await t.http
        .get(`/api/justifications/${res.body.id}/document`)
        .set(who.auth)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(dl.status).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-disposition']).toBe(
        `attachment; filename="atestado medico.pdf"; filename*=UTF-8''atestado%20m%C3%A9dico.pdf`,
      );
      expect(Buffer.compare(dl.body as Buffer, pdf)).toBe(0);
    }
    for (const who of [classmate, otherTeacher]) {
      await t.http.get(`/api/justifications/${res.body.id}/document`).set(who.auth).expect(404);
      const one = await t.http.get(`/api/justifications/${res.body.id}`).set(who.auth).expect(404);
      expect(one.body.code).toBe('justifications/not-found');
    }
    await t.http.get(`/api/justifications/${res.body.id}/document`).expect(401);
  });

  it('refuses a .pdf that is really HTML and a 6 MB file with clear errors, storing nothing', async () => {
    const session = await pastSession();
    const before = storedFiles(t);
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    const typed = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'Ill' },
      { buffer: html, name: 'note.pdf' },
    ).expect(415);
    expect(typed.body).toMatchObject({
      statusCode: 415,
      code: 'justifications/document-type',
      message: 'The document must be a PDF, PNG or JPEG file.',
    });

    const big = Buffer.concat([samplePdf(), Buffer.alloc(6 * 1024 * 1024, 0x20)]);
    const large = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'Ill' },
      { buffer: big, name: 'scan.pdf' },
    ).expect(413);
    expect(large.body).toMatchObject({ statusCode: 413, code: 'justifications/document-too-large' });

    // Without Content-Length the limit holds while streaming: the answer comes before the whole body is sent.
    // The server answers 413 and closes the connection as soon as the limit is hit: the client either reads the 413 or
    // sees the connection cut while still sending, long before the 40 MB are through.
    const streamed = await chunkedUpload(
      t.url,
      student.token,
      { sessionId: session.id, type: 'absence', reason: 'Ill' },
      { name: 'scan.pdf', head: samplePdf(), totalBytes: 40 * 1024 * 1024 },
    );
    if (streamed.status !== 0)
      expect(streamed.body).toMatchObject({ statusCode: 413, code: 'justifications/document-too-large' });
    expect(streamed.bytesSent).toBeLessThan(35 * 1024 * 1024);

    const empty = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'Ill' },
      { buffer: Buffer.alloc(0), name: 'empty.pdf' },
    );
    expect(empty.status).toBe(400);

    expect(await justificationRows(session.id)).toBe(0);
    expect(storedFiles(t)).toEqual(before);
  });

  it('answers malformed uploads with 4xx and stores nothing', async () => {
    const session = await pastSession();
    const before = storedFiles(t);
    const fields = { sessionId: session.id, type: 'absence', reason: 'Ill' };
    const two = t.http
      .post('/api/justifications')
      .set(student.auth)
      .field(fields)
      .attach('document', samplePdf(), 'a.pdf')
      .attach('document', samplePdf(), 'b.pdf');
    expect((await two).status).toBe(400);
    const wrongField = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .field(fields)
      .attach('photo', samplePdf(), 'a.pdf');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.code).toBe('justifications/bad-upload');
    const broken = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .set('Content-Type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="document"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated');
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
    const xml = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .set('Content-Type', 'application/xml')
      .send('<a/>');
    expect(xml.status).toBe(415);
    expect(await justificationRows(session.id)).toBe(0);
    expect(storedFiles(t)).toEqual(before);
  });

  it('neutralises a path-traversal file name: random storage name, safe download name', async () => {
    const session = await pastSession();
    const before = storedFiles(t);
    const res = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'Ill' },
      { buffer: samplePdf(), name: '../../etc/passwd.pdf' },
    ).expect(201);
    expect(res.body.document.name).toBe('passwd.pdf');
    const added = storedFiles(t).filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[a-f0-9]{2}\/[a-f0-9]{32}$/);
    const root = (t.app.get(FileStorage) as LocalDiskStorage).root;
    expect(existsSync(join(root, '..', '..', 'etc', 'passwd.pdf'))).toBe(false);
    const dl = await t.http.get(`/api/justifications/${res.body.id}/document`).set(student.auth).expect(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="passwd\.pdf"/);
  });

  it('deletes the stored document when the filing is refused after the upload', async () => {
    const future = await createSession(t, courseId, { startsAt: new Date(Date.now() + DAY) });
    const before = storedFiles(t);
    // A late arrival cannot be justified before the session (an absence can: see "in advance").
    const res = await file(
      student,
      { sessionId: future.id, type: 'late', reason: 'Bus' },
      { buffer: samplePdf(), name: 'a.pdf' },
    ).expect(409);
    expect(res.body.code).toBe('justifications/too-early');
    const bad = await file(
      student,
      { sessionId: future.id, type: 'sick', reason: '' },
      { buffer: samplePdf(), name: 'a.pdf' },
    ).expect(400);
    expect(bad.body.code).toBe('validation/failed');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['reason', 'type']);
    expect(storedFiles(t)).toEqual(before);
  });

  it('applies the filing rules: enrolment, time window, one live justification, students only', async () => {
    const session = await pastSession();
    const ok = await t.http
      .post('/api/justifications')
      .set(student.auth)
      .send({ sessionId: session.id, type: 'late', reason: 'Bus strike' })
      .expect(201);
    expect(ok.body.document).toBeNull();
    const dup = await file(student, { sessionId: session.id, type: 'absence', reason: 'Again' }).expect(409);
    expect(dup.body.code).toBe('justifications/already-exists');

    const old = await pastSession({
      startsAt: new Date(Date.now() - 40 * DAY),
      endsAt: new Date(Date.now() - 40 * DAY + HOUR),
    });
    expect((await file(student, { sessionId: old.id, type: 'absence', reason: 'Ill' }).expect(409)).body.code).toBe(
      'justifications/window-closed',
    );

    const foreign = await createSession(t, (await createCourse(t)).id, {
      startsAt: new Date(Date.now() - 3 * HOUR),
      endsAt: new Date(Date.now() - HOUR),
    });
    expect((await file(student, { sessionId: foreign.id, type: 'absence', reason: 'Ill' }).expect(404)).body.code).toBe(
      'sessions/not-found',
    );

    const attended = await pastSession();
    await createRecord(t, attended.id, student.id, 'present');
    expect((await file(student, { sessionId: attended.id, type: 'absence', reason: 'x' }).expect(409)).body.code).toBe(
      'justifications/nothing-to-justify',
    );

    await file(teacher, { sessionId: session.id, type: 'absence', reason: 'x' }).expect(403);
    await file(student, { sessionId: session.id, type: 'absence', reason: 'x'.repeat(1001) }).expect(400);
    await file(student, { sessionId: session.id, type: 'absence', reason: 'x', extra: 'nope' }).expect(400);
    await file(student, { sessionId: 'not-a-uuid', type: 'absence', reason: 'x' }).expect(400);
  });

  it('lets the owner withdraw a pending justification and file again', async () => {
    const session = await pastSession();
    const first = await file(student, { sessionId: session.id, type: 'absence', reason: 'Ill' }).expect(201);
    await t.http.post(`/api/justifications/${first.body.id}/withdraw`).set(classmate.auth).expect(404);
    await t.http.post(`/api/justifications/${first.body.id}/withdraw`).set(teacher.auth).expect(403);
    const withdrawn = await t.http.post(`/api/justifications/${first.body.id}/withdraw`).set(student.auth).expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(
      (await t.http.post(`/api/justifications/${first.body.id}/withdraw`).set(student.auth).expect(409)).body.code,
    ).toBe('justifications/not-pending');
    await file(student, { sessionId: session.id, type: 'absence', reason: 'Ill, with a note this time' }).expect(201);
    expect(
      (
        await t.http
          .post(`/api/justifications/${first.body.id}/review`)
          .set(teacher.auth)
          .send({ decision: 'approved' })
          .expect(409)
      ).body.code,
    ).toBe('justifications/not-pending');
  });

  it('approving an absence makes the record excused, in one transaction, and tells the student live', async () => {
    const session = await pastSession();
    await createRecord(t, session.id, student.id, 'absent', { source: 'auto-close', checkedInAt: null });
    const j = await file(
      student,
      { sessionId: session.id, type: 'absence', reason: 'Funeral' },
      { buffer: samplePdf(), name: 'cert.pdf' },
    ).expect(201);

    const studentSocket = await connectSocket(t.url, student.token);
    const teacherSocket = await connectSocket(t.url, teacher.token);
    expect((await watch(teacherSocket, session.id)).ok).toBe(true);
    const updated = nextEvent(studentSocket, ServerEvent.AttendanceUpdated);
    const roomUpdated = nextEvent(teacherSocket, ServerEvent.AttendanceUpdated);
    const reviewed = nextEvent(studentSocket, ServerEvent.JustificationReviewed);
    const notified = nextEvent(studentSocket, ServerEvent.NotificationCreated);

    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(otherTeacher.auth)
      .send({ decision: 'approved' })
      .expect(404);
    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(student.auth)
      .send({ decision: 'approved' })
      .expect(403);
    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'maybe' })
      .expect(400);
    const res = await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'approved', comment: 'Sorry for your loss.' })
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      reviewerId: teacher.id,
      reviewerName: teacher.fullName,
      reviewComment: 'Sorry for your loss.',
      attendanceStatus: 'excused',
    });

    const expected = {
      sessionId: session.id,
      studentId: student.id,
      status: 'excused',
      previousStatus: 'absent',
      source: 'justification',
    };
    await expect(updated).resolves.toEqual(expected);
    await expect(roomUpdated).resolves.toEqual(expected);
    await expect(reviewed).resolves.toEqual({
      justificationId: j.body.id,
      sessionId: session.id,
      status: 'approved',
      comment: 'Sorry for your loss.',
    });
    await expect(notified).resolves.toMatchObject({ type: 'justification.reviewed', title: 'Justification approved' });
    studentSocket.close();
    teacherSocket.close();

    const [record] = await t.dataSource.query(
      `SELECT status, source, validated_by FROM attendance_records WHERE session_id = $1 AND student_id = $2`,
      [session.id, student.id],
    );
    expect(record).toEqual({ status: 'excused', source: 'justification', validated_by: teacher.id });
    const events = await t.dataSource.query(
      `SELECT from_status, to_status, source, actor_id, reason FROM attendance_events WHERE session_id = $1 AND student_id = $2`,
      [session.id, student.id],
    );
    expect(events).toEqual([
      {
        from_status: 'absent',
        to_status: 'excused',
        source: 'justification',
        actor_id: teacher.id,
        reason: expect.stringContaining(j.body.id),
      },
    ]);
    expect(
      (
        await t.http
          .post(`/api/justifications/${j.body.id}/review`)
          .set(admin.auth)
          .send({ decision: 'rejected' })
          .expect(409)
      ).body.code,
    ).toBe('justifications/not-pending');
  });

  it('approving a late arrival makes the record present; rejecting changes nothing', async () => {
    const late = await pastSession();
    await createRecord(t, late.id, student.id, 'late');
    const j = await file(student, { sessionId: late.id, type: 'late', reason: 'Train delayed' }).expect(201);
    const studentSocket = await connectSocket(t.url, student.token);
    const updated = nextEvent(studentSocket, ServerEvent.AttendanceUpdated);
    const reviewed = nextEvent(studentSocket, ServerEvent.JustificationReviewed);
    await t.http
      .post(`/api/justifications/${j.body.id}/review`)
      .set(admin.auth)
      .send({ decision: 'approved' })
      .expect(200);
    await expect(updated).resolves.toEqual({
      sessionId: late.id,
      studentId: student.id,
      status: 'present',
      previousStatus: 'late',
      source: 'justification',
    });
    await expect(reviewed).resolves.toMatchObject({ status: 'approved', comment: null });

    const other = await pastSession();
    await createRecord(t, other.id, classmate.id, 'absent');
    const r = await file(classmate, { sessionId: other.id, type: 'absence', reason: 'Overslept' }).expect(201);
    const rejectedEvent = nextEvent(studentSocket, ServerEvent.JustificationReviewed, 500).catch(() => 'none');
    const res = await t.http
      .post(`/api/justifications/${r.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'rejected', comment: 'Not a valid reason.' })
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'rejected',
      attendanceStatus: 'absent',
      reviewComment: 'Not a valid reason.',
    });
    await expect(rejectedEvent).resolves.toBe('none'); // another student's review never reaches this one
    studentSocket.close();
    const [record] = await t.dataSource.query(
      `SELECT status FROM attendance_records WHERE session_id = $1 AND student_id = $2`,
      [other.id, classmate.id],
    );
    expect(record.status).toBe('absent');
  });

  it('lists by role with filters and paging', async () => {
    const mine = await t.http.get('/api/justifications?pageSize=100').set(student.auth).expect(200);
    expect(mine.body.total).toBeGreaterThan(3);
    expect(mine.body.items.every((j: { studentId: string }) => j.studentId === student.id)).toBe(true);

    const asTeacher = await t.http
      .get(`/api/justifications?courseId=${courseId}&pageSize=100`)
      .set(teacher.auth)
      .expect(200);
    expect(asTeacher.body.total).toBe(mine.body.total + 1); // + the classmate's
    const none = await t.http.get('/api/justifications').set(otherTeacher.auth).expect(200);
    expect(none.body).toMatchObject({ total: 0, items: [] });

    const all = await t.http.get('/api/justifications?pageSize=100').set(admin.auth).expect(200);
    expect(all.body.total).toBe(asTeacher.body.total);
    const pending = await t.http
      .get(`/api/justifications?status=pending&studentId=${student.id}`)
      .set(admin.auth)
      .expect(200);
    expect(
      pending.body.items.every(
        (j: { status: string; studentId: string }) => j.status === 'pending' && j.studentId === student.id,
      ),
    ).toBe(true);
    const page2 = await t.http.get('/api/justifications?page=2&pageSize=2').set(admin.auth).expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: all.body.total });
    expect(page2.body.items.map((j: { id: string }) => j.id)).toEqual(
      all.body.items.slice(2, 4).map((j: { id: string }) => j.id),
    );
    const searched = await t.http
      .get(`/api/justifications?search=${encodeURIComponent(classmate.fullName)}`)
      .set(teacher.auth)
      .expect(200);
    expect(searched.body.total).toBe(1);
    await t.http.get('/api/justifications?status=nope').set(admin.auth).expect(400);
    await t.http.get('/api/justifications?courseId=x').set(admin.auth).expect(400);
  });

  it('demo seed: one pending, one approved (record excused) and one rejected justification for student@example.com', async () => {
    const demoStudent = await createUser(t, { email: 'student@example.com', role: 'student' });
    const demoTeacher = await createUser(t, { email: 'teacher@example.com', role: 'teacher' });
    const course = await createCourse(t, { teacherIds: [demoTeacher.id], studentIds: [demoStudent.id] });
    const at = (daysAgo: number) => ({
      startsAt: new Date(Date.now() - daysAgo * DAY),
      endsAt: new Date(Date.now() - daysAgo * DAY + HOUR),
      state: 'closed' as const,
    });
    const [s1, s2, s3, s4] = [
      await createSession(t, course.id, at(2)),
      await createSession(t, course.id, at(4)),
      await createSession(t, course.id, at(6)),
      await createSession(t, course.id, at(8)),
    ];
    await createRecord(t, s1.id, demoStudent.id, 'present');
    await createRecord(t, s2.id, demoStudent.id, 'absent');
    await createRecord(t, s3.id, demoStudent.id, 'late');
    await createRecord(t, s4.id, demoStudent.id, 'absent');
    const userIds = new Map([
      ['student@example.com', demoStudent.id],
      ['teacher@example.com', demoTeacher.id],
    ]);
    await t.dataSource.transaction((m) =>
      seedJustifications({ m, now: new Date(), userIds, studentEmails: ['student@example.com'] }),
    );
    const rows = await t.dataSource.query(
      `SELECT j.session_id, j.type, j.status, j.reviewer_id, r.status AS record FROM justifications j
         LEFT JOIN attendance_records r ON r.session_id = j.session_id AND r.student_id = j.student_id
        WHERE j.student_id = $1 ORDER BY j.status`,
      [demoStudent.id],
    );
    expect(rows).toEqual([
      { session_id: s4.id, type: 'absence', status: 'approved', reviewer_id: demoTeacher.id, record: 'excused' },
      { session_id: s2.id, type: 'absence', status: 'pending', reviewer_id: null, record: 'absent' },
      { session_id: s3.id, type: 'late', status: 'rejected', reviewer_id: demoTeacher.id, record: 'late' },
    ]);
    // Nothing to do without sessions (the steps before it did not run): no error.
    await t.dataSource.transaction((m) =>
      seedJustifications({ m, now: new Date(), userIds: new Map(), studentEmails: [] }),
    );
  });

  it('an absence reported in advance: approved, the close records the student excused (and the rates count it so)', async () => {
    const adv = await actor(t, 'student');
    const came = await actor(t, 'student');
    const course = await createCourse(t, { teacherIds: [teacher.id], studentIds: [adv.id, came.id] });
    // Starts in 10 minutes: check-in (and closing) opens 15 minutes before.
    const session = await createSession(t, course.id, { startsAt: new Date(Date.now() + 10 * 60_000) });
    const later = await createSession(t, course.id, { startsAt: new Date(Date.now() + 7 * DAY) });

    const filed = await file(adv, { sessionId: session.id, type: 'absence', reason: 'Hospital appointment' }).expect(
      201,
    );
    expect(filed.body).toMatchObject({ status: 'pending', type: 'absence' });
    await file(came, { sessionId: later.id, type: 'absence', reason: 'Trip' }).expect(201);
    const late = await file(came, { sessionId: session.id, type: 'late', reason: 'Bus' }).expect(409);
    expect(late.body.code).toBe('justifications/too-early');

    await t.http
      .post(`/api/justifications/${filed.body.id}/review`)
      .set(teacher.auth)
      .send({ decision: 'approved' })
      .expect(200);
    // Nothing is recorded before the session; the roster still shows no status.
    const records = async () =>
      (await t.dataSource.query(
        `SELECT student_id, status, source FROM attendance_records WHERE session_id = $1 ORDER BY status`,
        [session.id],
      )) as { student_id: string; status: string; source: string }[];
    expect(await records()).toEqual([]);

    const closed = await t.http.post(`/api/sessions/${session.id}/close`).set(teacher.auth).expect(200);
    expect(closed.body).toMatchObject({ markedAbsent: 1 });
    expect(await records()).toEqual([
      { student_id: came.id, status: 'absent', source: 'teacher' },
      { student_id: adv.id, status: 'excused', source: 'justification' },
    ]);
    const [event] = await t.dataSource.query(
      `SELECT from_status, to_status, reason FROM attendance_events WHERE session_id = $1 AND student_id = $2`,
      [session.id, adv.id],
    );
    expect(event).toMatchObject({ from_status: null, to_status: 'excused' });
    expect(event.reason).toContain(filed.body.id);

    const report = await t.http.get(`/api/reports/courses/${course.id}`).set(teacher.auth).expect(200);
    const byId = Object.fromEntries(report.body.students.map((r: { studentId: string }) => [r.studentId, r]));
    expect(byId[adv.id]).toMatchObject({ held: 1, excused: 1, absent: 0 });
    expect(byId[came.id]).toMatchObject({ held: 1, excused: 0, absent: 1 });
  });
});
