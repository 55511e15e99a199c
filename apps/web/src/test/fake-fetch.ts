/** A scripted fetch for tests: each call is matched by method + path and answered from a queue. */
export interface Call {
  method: string;
  path: string;
  /** the query string's parameters */
  query: Record<string, string>;
  authorization: string | null;
  body: string;
}

type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | ((req: Request) => Promise<Response> | Response);

export function fakeFetch(routes: Record<string, Answer[] | Answer>) {
  const calls: Call[] = [];
  const queues = new Map(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost:5173/'), init);
    const url = new URL(req.url);
    const key = `${req.method} ${url.pathname}`;
    calls.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.get('authorization'),
      body: req.method === 'GET' ? '' : await req.clone().text(),
    });
    const q = queues.get(key);
    if (!q)
      return new Response(JSON.stringify({ statusCode: 404, code: 'common/not-found', message: 'Not found.' }), {
        status: 404,
      });
    const a = Array.isArray(q) ? (q.length > 1 ? q.shift()! : q[0]!) : q;
    if (typeof a === 'function') return a(req);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json', ...a.headers },
    });
  };
  return { fn: fn as typeof fetch, calls };
}

export const user = (over: Record<string, unknown> = {}) => ({
  id: '11111111-1111-4111-8111-111111111111',
  email: 'student@example.com',
  fullName: 'Sara Student',
  role: 'student',
  active: true,
  locale: 'en',
  mustChangePassword: false,
  studentNumber: 'S0001',
  lastLoginAt: null,
  digestOptIn: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** One page of a list answer. */
export const page = <T>(items: T[], over: Record<string, unknown> = {}) => ({
  items,
  total: items.length,
  page: 1,
  pageSize: 20,
  ...over,
});

/** A 400 validation error listing each field's message. */
export const invalid = (details: Record<string, string>) => ({
  status: 400,
  body: {
    statusCode: 400,
    code: 'validation/failed',
    message: 'Some fields are invalid.',
    details: Object.entries(details).map(([field, message]) => ({ field, messages: [message] })),
  },
});

export const session = (over: Record<string, unknown> = {}) => ({
  id: 's1',
  courseId: 'c1',
  courseCode: 'CS101',
  courseName: 'Introduction to Programming',
  title: 'Lecture',
  room: 'B2.04',
  seriesId: null,
  state: 'open',
  timezone: 'Europe/Lisbon',
  startsAt: '2026-11-24T09:00:00.000Z',
  endsAt: '2026-11-24T10:30:00.000Z',
  checkinOpensAt: '2026-11-24T08:45:00.000Z',
  closedAt: null,
  ...over,
});

export const rosterEntry = (fullName: string, status: string | null, over: Record<string, unknown> = {}) => ({
  studentId: `id-${fullName}`,
  fullName,
  email: `${fullName.toLowerCase()}@example.com`,
  studentNumber: null,
  status,
  checkedInAt: status ? '2026-11-24T09:02:00.000Z' : null,
  validatedAt: null,
  source: status ? 'code' : null,
  note: null,
  flags: [],
  ...over,
});

export const roster = (items: ReturnType<typeof rosterEntry>[], over: Record<string, unknown> = {}) => ({
  sessionId: 's1',
  courseId: 'c1',
  state: 'open',
  startsAt: '2026-11-24T09:00:00.000Z',
  endsAt: '2026-11-24T10:30:00.000Z',
  lateAfter: '2026-11-24T09:10:00.000Z',
  total: items.length,
  missing: items.filter((e) => !e.status).length,
  counts: { missing: 0, pending: 0, present: 0, late: 0, absent: 0, excused: 0 },
  items,
  lockedOut: [] as string[],
  ...over,
});

/** A 404 in the API's error shape. */
export const notFound = { status: 404, body: { statusCode: 404, code: 'common/not-found', message: 'Not found.' } };

export const course = (code = 'CS101', over: Record<string, unknown> = {}) => ({
  id: `id-${code}`,
  code,
  name: `Course ${code}`,
  description: null,
  timezone: 'Europe/Lisbon',
  enrolledCount: 3,
  teachers: [{ id: 't1', fullName: 'Teresa Tavares', email: 't@example.com' }],
  policy: {
    codeValidityMinutes: 10,
    lateAfterMinutes: 10,
    checkinOpensMinutes: 15,
    requiresValidation: true,
    rotatingIntervalSeconds: 15,
    rotatingGraceSeconds: 3,
    location: { mode: 'off', radiusMeters: 80 },
  },
  relation: 'admin',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

export const justification = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  sessionId: 's1',
  courseId: 'c1',
  courseCode: 'CS101',
  courseName: 'Introduction to Programming',
  sessionTitle: 'Lecture',
  sessionStartsAt: '2026-11-24T09:00:00.000Z',
  sessionEndsAt: '2026-11-24T10:30:00.000Z',
  timezone: 'Europe/Lisbon',
  studentId: 'u1',
  studentName: 'Sara Student',
  studentNumber: 'S0001',
  type: 'absence',
  reason: `Reason ${id}`,
  status: 'pending',
  document: null,
  attendanceStatus: 'absent',
  reviewComment: null,
  reviewedAt: null,
  reviewerId: null,
  reviewerName: null,
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
  ...over,
});

/** GET /api/me/attendance: one page of my records with the rates. */
export const myAttendance = (items: Record<string, unknown>[] = [], over: Record<string, unknown> = {}) => ({
  items,
  total: items.length,
  page: 1,
  pageSize: 20,
  overall: { held: 4, present: 2, late: 1, absent: 1, excused: 0, pending: 0, rate: 0.75 },
  courses: [],
  ...over,
});

export const myRecord = (sessionId: string, status: string, over: Record<string, unknown> = {}) => ({
  sessionId,
  courseId: 'c1',
  courseCode: 'CS101',
  courseName: 'Introduction to Programming',
  sessionTitle: null,
  startsAt: '2026-11-24T09:00:00.000Z',
  endsAt: '2026-11-24T10:30:00.000Z',
  timezone: 'Europe/Lisbon',
  status,
  recorded: true,
  source: null,
  checkedInAt: null,
  validatedAt: null,
  note: null,
  ...over,
});

/** An answer in JSON, for function answers that look at the request. */
export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
