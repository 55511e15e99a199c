import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createCourse, createRecord, createSession } from './support/factories.js';
import { actor, createTestApp, createUser, type TestApp } from './support/test-app.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('reports', () => {
  let t: TestApp;
  type Actor = Awaited<ReturnType<typeof actor>>;
  let teacher: Actor, otherTeacher: Actor, admin: Actor, ana: Actor, evil: Actor, outsider: Actor;
  let ghost: { id: string }, steady: { id: string };
  let course: { id: string; code: string };
  const s: Record<string, { id: string; startsAt: Date }> = {};

  beforeAll(async () => {
    t = await createTestApp();
    teacher = await actor(t, 'teacher');
    otherTeacher = await actor(t, 'teacher');
    admin = await actor(t, 'admin');
    ana = await actor(t, 'student', { fullName: 'Ana Alves', studentNumber: 'A001' });
    evil = await actor(t, 'student', { fullName: '=HYPERLINK("http://evil.example","x")', studentNumber: 'A002' });
    outsider = await actor(t, 'student');
    ghost = await createUser(t, { fullName: 'Gil Ghost', studentNumber: 'A003' });
    steady = await createUser(t, { fullName: 'Sofia Steady', studentNumber: 'A004' });
    course = await createCourse(t, {
      code: 'REP101',
      name: 'Reporting',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacher.id],
      studentIds: [ana.id, evil.id, ghost.id, steady.id],
    });
    await createCourse(t, { code: 'OTHER1', teacherIds: [otherTeacher.id], studentIds: [outsider.id] });

    // Held: three Mondays at 09:00 Lisbon (summer time, UTC+1) and a Wednesday at 14:00 (winter time, UTC+0), the last never closed.
    const held = async (key: string, iso: string, state: 'closed' | 'scheduled') => {
      const startsAt = new Date(iso);
      s[key] = {
        ...(await createSession(t, course.id, {
          startsAt,
          endsAt: new Date(startsAt.getTime() + 90 * MIN),
          state,
          title: key,
        })),
        startsAt,
      };
    };
    await held('H1', '2026-10-05T08:00:00Z', 'closed');
    await held('H2', '2026-10-12T08:00:00Z', 'closed');
    await held('H3', '2026-10-19T08:00:00Z', 'closed');
    await held('H4', '2026-11-04T14:00:00Z', 'scheduled');
    s.NOW = await createSession(t, course.id, { state: 'open', title: 'NOW' });
    const future = new Date(Date.now() + 7 * DAY);
    s.FUT = { ...(await createSession(t, course.id, { startsAt: future, title: 'FUT' })), startsAt: future };

    const at = (key: string, minutes: number) => new Date(s[key].startsAt.getTime() + minutes * MIN);
    await createRecord(t, s.H1.id, ana.id, 'present', { checkedInAt: at('H1', 2) });
    await createRecord(t, s.H2.id, ana.id, 'late', { checkedInAt: at('H2', 20) });
    await createRecord(t, s.H3.id, ana.id, 'excused', { source: 'justification', checkedInAt: null });
    await createRecord(t, s.H4.id, ana.id, 'absent', { source: 'teacher', checkedInAt: null });
    await createRecord(t, s.H1.id, evil.id, 'present', { checkedInAt: at('H1', -6) });
    await createRecord(t, s.H2.id, evil.id, 'present', { checkedInAt: null });
    await createRecord(t, s.H3.id, evil.id, 'present', { checkedInAt: null });
    await createRecord(t, s.H4.id, evil.id, 'pending', { checkedInAt: null });
    await createRecord(t, s.NOW.id, evil.id, 'pending');
    await createRecord(t, s.H1.id, steady.id, 'present', { checkedInAt: at('H1', 12) });
    await createRecord(t, s.H2.id, steady.id, 'absent', { source: 'auto-close', checkedInAt: null });
    await createRecord(t, s.H3.id, steady.id, 'present', { checkedInAt: null });
    await createRecord(t, s.H4.id, steady.id, 'present', { checkedInAt: null });
    // A record of a student who was never enrolled in the course is not counted in the course figures.
    await createRecord(t, s.H1.id, outsider.id, 'present', { checkedInAt: null });
  });
  afterAll(async () => {
    await t.close();
  });

  it('computes the course report with exact figures (every status, a student who never checked in, excused, not yet held)', async () => {
    const res = await t.http.get(`/api/reports/courses/${course.id}`).set(teacher.auth).expect(200);
    const r = res.body;
    expect(r.course).toEqual({ id: course.id, code: 'REP101', name: 'Reporting', timezone: 'Europe/Lisbon' });
    expect(r.scope).toBe('course');
    expect(r.warningThreshold).toBe(0.75);
    // attended 2 + 4 + 0 + 3 = 9 over 16 expected − 1 excused
    expect(r.rate).toBe(0.6);
    expect(r.totals).toEqual({ heldSessions: 4, expected: 16, present: 7, late: 1, absent: 6, excused: 1, pending: 1 });

    const byName = Object.fromEntries(r.students.map((x: { fullName: string }) => [x.fullName, x]));
    // One row per enrolled student, by name (the order follows the database collation).
    expect(r.students.map((x: { fullName: string }) => x.fullName).sort()).toEqual([
      '=HYPERLINK("http://evil.example","x")',
      'Ana Alves',
      'Gil Ghost',
      'Sofia Steady',
    ]);
    expect(byName['Ana Alves']).toMatchObject({
      studentId: ana.id,
      studentNumber: 'A001',
      held: 4,
      present: 1,
      late: 1,
      absent: 1,
      excused: 1,
      pending: 0,
      rate: 0.6667,
      atRisk: true,
      trend: 0,
    });
    expect(byName['Gil Ghost']).toMatchObject({
      held: 4,
      present: 0,
      late: 0,
      absent: 4,
      excused: 0,
      pending: 0,
      rate: 0,
      atRisk: true,
    });
    expect(byName['Sofia Steady']).toMatchObject({ held: 4, present: 3, absent: 1, rate: 0.75, atRisk: false });
    expect(byName['=HYPERLINK("http://evil.example","x")']).toMatchObject({
      held: 4,
      present: 3,
      pending: 1,
      absent: 0,
      rate: 1,
      atRisk: false,
    });

    const byTitle = Object.fromEntries(r.sessions.map((x: { title: string }) => [x.title, x]));
    expect(r.sessions.map((x: { title: string }) => x.title)).toEqual(['H1', 'H2', 'H3', 'H4', 'NOW', 'FUT']);
    expect(byTitle.H1).toMatchObject({
      held: true,
      enrolled: 4,
      present: 3,
      late: 0,
      absent: 1,
      excused: 0,
      pending: 0,
      awaiting: 0,
      rate: 0.75,
      checkInMinutes: [1, 0, 1, 0, 1, 0, 0],
    });
    expect(byTitle.H2).toMatchObject({ present: 1, late: 1, absent: 2, rate: 0.5 });
    expect(byTitle.H3).toMatchObject({ present: 2, excused: 1, absent: 1, rate: 0.6667 });
    expect(byTitle.H4).toMatchObject({ state: 'scheduled', held: true, present: 1, pending: 1, absent: 2, rate: 0.5 });
    expect(byTitle.NOW).toMatchObject({ held: false, pending: 1, absent: 0, awaiting: 3, rate: null });
    expect(byTitle.FUT).toMatchObject({ held: false, present: 0, absent: 0, awaiting: 4, rate: null });
    expect(r.checkInBuckets).toHaveLength(7);

    expect(r.series.rateOverTime).toEqual([
      { sessionId: s.H1.id, startsAt: '2026-10-05T08:00:00.000Z', date: '2026-10-05', rate: 0.75 },
      { sessionId: s.H2.id, startsAt: '2026-10-12T08:00:00.000Z', date: '2026-10-12', rate: 0.5 },
      { sessionId: s.H3.id, startsAt: '2026-10-19T08:00:00.000Z', date: '2026-10-19', rate: 0.6667 },
      { sessionId: s.H4.id, startsAt: '2026-11-04T14:00:00.000Z', date: '2026-11-04', rate: 0.5 },
    ]);
    expect(r.series.statusMix[0]).toEqual({
      sessionId: s.H1.id,
      label: '2026-10-05 09:00',
      present: 3,
      late: 0,
      absent: 1,
      excused: 0,
      pending: 0,
    });
    // Mondays: 7 attended of 12 − 1 excused; Wednesday: 2 of 4.
    expect(r.series.weekdays).toEqual([
      { weekday: 1, sessions: 3, rate: 0.6364 },
      { weekday: 2, sessions: 0, rate: null },
      { weekday: 3, sessions: 1, rate: 0.5 },
      { weekday: 4, sessions: 0, rate: null },
      { weekday: 5, sessions: 0, rate: null },
      { weekday: 6, sessions: 0, rate: null },
      { weekday: 7, sessions: 0, rate: null },
    ]);
    expect(r.series.hours).toEqual([
      { hour: 9, sessions: 3, rate: 0.6364 },
      { hour: 14, sessions: 1, rate: 0.5 },
    ]);
    expect(r.series.checkInDistribution).toEqual([1, 0, 1, 0, 1, 1, 0]);
    expect(r.series.atRisk.map((x: { fullName: string; rate: number }) => [x.fullName, x.rate])).toEqual([
      ['Gil Ghost', 0],
      ['Ana Alves', 0.6667],
    ]);
  });

  it('filters by a date range in the course time zone', async () => {
    const res = await t.http
      .get(`/api/reports/courses/${course.id}?from=2026-10-12&to=2026-10-12`)
      .set(teacher.auth)
      .expect(200);
    expect(res.body.sessions.map((x: { title: string }) => x.title)).toEqual(['H2']);
    const ana2 = res.body.students.find((x: { studentId: string }) => x.studentId === ana.id);
    expect(ana2).toMatchObject({ held: 1, late: 1, rate: 1 });
    await t.http
      .get(`/api/reports/courses/${course.id}?from=2026-10-13&to=2026-10-12`)
      .set(teacher.auth)
      .expect(400)
      .expect((r) => expect(r.body.code).toBe('reports/bad-range'));
    await t.http.get(`/api/reports/courses/${course.id}?from=2026-02-31`).set(teacher.auth).expect(400);
    await t.http.get(`/api/reports/courses/${course.id}?from=yesterday`).set(teacher.auth).expect(400);
    await t.http.get(`/api/reports/courses/${course.id}?nonsense=1`).set(teacher.auth).expect(400);
  });

  it('gives a student only their own figures and refuses other students and other courses', async () => {
    const own = await t.http.get(`/api/reports/courses/${course.id}`).set(ana.auth).expect(200);
    expect(own.body.scope).toBe('student');
    expect(own.body.students).toHaveLength(1);
    expect(own.body.students[0]).toMatchObject({ studentId: ana.id, rate: 0.6667 });
    expect(own.body.rate).toBe(0.6667);
    expect(own.body.sessions.find((x: { title: string }) => x.title === 'H1')).toMatchObject({
      enrolled: 1,
      present: 1,
      absent: 0,
    });
    expect(JSON.stringify(own.body)).not.toContain('Gil Ghost');

    await t.http.get(`/api/reports/courses/${course.id}?studentId=${evil.id}`).set(ana.auth).expect(403);
    await t.http.get(`/api/reports/courses/${course.id}`).set(outsider.auth).expect(404);
    await t.http.get(`/api/reports/courses/${course.id}`).set(otherTeacher.auth).expect(404);
    await t.http.get(`/api/reports/courses/${course.id}/attendance.csv`).set(ana.auth).expect(403);
    await t.http.get(`/api/reports/courses/${course.id}/records.csv`).set(otherTeacher.auth).expect(404);
    await t.http.get(`/api/reports/courses/${course.id}/attendance.xlsx`).set(outsider.auth).expect(404);
    await t.http.get('/api/reports/overview').set(teacher.auth).expect(403);
    await t.http.get(`/api/reports/courses/not-a-uuid`).set(teacher.auth).expect(400);
    await t.http.get(`/api/reports/courses/${course.id}`).expect(401);

    // Staff may narrow the report to one enrolled student.
    const one = await t.http.get(`/api/reports/courses/${course.id}?studentId=${ghost.id}`).set(admin.auth).expect(200);
    expect(one.body).toMatchObject({ scope: 'student', rate: 0 });
    await t.http.get(`/api/reports/courses/${course.id}?studentId=${outsider.id}`).set(teacher.auth).expect(404);
  });

  it('gives a student their rates per course and overall', async () => {
    const c2 = await createCourse(t, { code: 'REP102', studentIds: [ana.id] });
    const past = await createSession(t, c2.id, { startsAt: new Date('2026-10-06T10:00:00Z'), state: 'closed' });
    await createRecord(t, past.id, ana.id, 'present');
    try {
      const res = await t.http.get('/api/reports/me').set(ana.auth).expect(200);
      expect(res.body.courses.map((c: { code: string; rate: number }) => [c.code, c.rate])).toEqual([
        ['REP101', 0.6667],
        ['REP102', 1],
      ]);
      // 5 held: present 2, late 1, excused 1, absent 1 → 3 ÷ 4
      expect(res.body.overall).toEqual({ held: 5, present: 2, late: 1, absent: 1, excused: 1, pending: 0, rate: 0.75 });
      await t.http.get('/api/reports/me').set(teacher.auth).expect(403);
    } finally {
      await t.dataSource.query('DELETE FROM courses WHERE id = $1', [c2.id]);
    }
  });

  it('exports the roster × sessions matrix as CSV with one row per enrolled student and formulas neutralised', async () => {
    const res = await t.http.get(`/api/reports/courses/${course.id}/attendance.csv`).set(teacher.auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="REP101-attendance-\d{8}\.csv"$/);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text).toContain('\r\n');
    const rows: string[][] = parse(res.text.slice(1), { relax_column_count: false });
    expect(rows[0].slice(0, 3)).toEqual(['Student number', 'Full name', 'Email']);
    expect(rows[0][3]).toBe('2026-10-05 09:00 H1');
    expect(rows[0].slice(-7)).toEqual(['Held', 'Present', 'Late', 'Absent', 'Excused', 'Pending', 'Rate (%)']);
    expect(rows).toHaveLength(1 + 4);
    const byNumber = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    expect(byNumber.A002[1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(byNumber.A001.slice(3, 9)).toEqual(['P', 'L', 'E', 'A', '', '']);
    expect(byNumber.A002.slice(3, 9)).toEqual(['P', 'P', 'P', 'C', 'C', '']);
    expect(byNumber.A003.slice(3, 9)).toEqual(['A', 'A', 'A', 'A', '', '']);
    expect(byNumber.A001.slice(-7)).toEqual(['4', '1', '1', '1', '1', '0', '66.7']);
  });

  it('exports raw records as CSV and the matrix as XLSX', async () => {
    const res = await t.http.get(`/api/reports/courses/${course.id}/records.csv`).set(admin.auth).expect(200);
    const rows: string[][] = parse(res.text.slice(1));
    // 13 records of enrolled students + 1 of a student no longer enrolled
    expect(rows).toHaveLength(1 + 14);
    const evilRow = rows.find((r) => r[3] === 'A002' && r[2] === 'H1');
    expect(evilRow?.[4]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(evilRow?.[1]).toBe('2026-10-05T09:00:00+01:00');
    expect(evilRow?.[8]).toBe('2026-10-05T08:54:00+01:00');
    expect(rows.filter((r) => r[13] === 'no')).toHaveLength(1);

    const x = await t.http
      .get(`/api/reports/courses/${course.id}/attendance.xlsx`)
      .set(teacher.auth)
      .responseType('blob')
      .expect(200);
    expect(x.headers['content-disposition']).toMatch(/^attachment; filename="REP101-attendance-\d{8}\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    // exceljs still types Buffer without its generic parameter
    await wb.xlsx.load(x.body as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.getWorksheet('Attendance')!;
    expect(ws.rowCount).toBe(1 + 4);
    const names = [2, 3, 4, 5].map((i) => ws.getRow(i).getCell(2).value);
    expect(names).toContain('=HYPERLINK("http://evil.example","x")'); // plain text, not a formula
    const anaRow = [2, 3, 4, 5].map((i) => ws.getRow(i)).find((row) => row.getCell(1).value === 'A001')!;
    expect([4, 5, 6, 7].map((c) => anaRow.getCell(c).value)).toEqual(['P', 'L', 'E', 'A']);
    expect(anaRow.getCell(ws.getRow(1).cellCount).value).toBeCloseTo(0.667, 3);
  });

  it('answers an empty course with empty figures, not errors', async () => {
    const empty = await createCourse(t, { code: 'EMPTY1', teacherIds: [teacher.id] });
    const res = await t.http.get(`/api/reports/courses/${empty.id}`).set(teacher.auth).expect(200);
    expect(res.body).toMatchObject({
      rate: null,
      students: [],
      sessions: [],
      totals: { heldSessions: 0, expected: 0 },
    });
    expect(res.body.series.weekdays).toHaveLength(7);
    expect(res.body.series.checkInDistribution).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const csv = await t.http.get(`/api/reports/courses/${empty.id}/attendance.csv`).set(teacher.auth).expect(200);
    expect(parse(csv.text.slice(1))).toHaveLength(1);
    await t.http.get(`/api/reports/courses/${empty.id}/attendance.xlsx`).set(teacher.auth).expect(200);
    await t.dataSource.query('DELETE FROM courses WHERE id = $1', [empty.id]);
  });

  it('gives admins an overview: course rates, students at risk, unclosed sessions, pending justifications', async () => {
    await t.dataSource.query(
      `INSERT INTO justifications (session_id, student_id, type, reason) VALUES ($1, $2, 'absence', 'ill')`,
      [s.H4.id, ana.id],
    );
    const res = await t.http.get('/api/reports/overview').set(admin.auth).expect(200);
    const rep = res.body.courses.find((c: { code: string }) => c.code === 'REP101');
    expect(rep).toMatchObject({
      students: 4,
      heldSessions: 4,
      held: 16,
      present: 7,
      late: 1,
      absent: 6,
      excused: 1,
      pending: 1,
      rate: 0.6,
      atRisk: 2,
    });
    expect(res.body.atRiskCount).toBe(2);
    expect(
      res.body.atRisk.map((a: { fullName: string; courseCode: string; rate: number }) => [
        a.fullName,
        a.courseCode,
        a.rate,
      ]),
    ).toEqual([
      ['Gil Ghost', 'REP101', 0],
      ['Ana Alves', 'REP101', 0.6667],
    ]);
    expect(res.body.unclosedCount).toBe(1);
    expect(res.body.unclosed[0]).toMatchObject({ sessionId: s.H4.id, courseCode: 'REP101', title: 'H4' });
    expect(res.body.pendingJustifications).toBe(1);
  });
});
