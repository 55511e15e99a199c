import { baseUrl, DEMO_PASSWORD } from './browser.js';

/**
 * Plain REST calls from the test process, for arranging data a journey starts from (never for the steps a user
 * takes: those go through the browser).
 */
export async function apiLogin(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl()}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function apiCall<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface SessionLite {
  id: string;
  courseId: string;
  courseCode: string;
  startsAt: string;
  endsAt: string;
  state: 'scheduled' | 'open' | 'closed';
}

async function newCourse(
  admin: string,
  teacherId: string,
  studentId: string,
  name: string,
): Promise<{ id: string; code: string }> {
  const course = await apiCall<{ id: string; code: string }>(admin, 'POST', '/api/courses', {
    code: `E2E${Date.now().toString(36).toUpperCase().slice(-5)}`,
    name,
    timezone: 'Europe/Lisbon',
    teacherIds: [teacherId],
  });
  // Enrolled since two days ago: closing marks absent (and a justification accepts) only students enrolled when the
  // session started, and the justification journey's session is yesterday's.
  const enrolledAt = new Date(Date.now() - 48 * 3600_000).toISOString();
  await apiCall(admin, 'POST', `/api/courses/${course.id}/enrollments`, { studentIds: [studentId], enrolledAt });
  return course;
}

/**
 * A session of yesterday that the teacher has closed, so the student (who never checked in) is absent: the start of
 * the justification journey. Made through the API (course, enrollment, past session, close).
 */
export async function absentSessionFor(teacherEmail: string, studentEmail: string): Promise<SessionLite> {
  const admin = await apiLogin('admin@example.com');
  const teacher = await apiLogin(teacherEmail);
  const me = await apiCall<{ id: string }>(teacher, 'GET', '/api/me');
  const st = await apiCall<{ id: string }>(await apiLogin(studentEmail), 'GET', '/api/me');
  const course = await newCourse(admin, me.id, st.id, 'Justification journey');
  const start = Date.now() - 26 * 3600_000;
  const session = await apiCall<SessionLite>(admin, 'POST', `/api/courses/${course.id}/sessions`, {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 90 * 60_000).toISOString(),
    title: 'Missed lecture',
  });
  await apiCall(teacher, 'POST', `/api/sessions/${session.id}/close`, {});
  return { ...session, courseCode: course.code };
}

/**
 * The demo session of teacher@example.com open now with student@example.com enrolled. When the demo school has
 * none (an older seed), one is made through the API so the journey still runs.
 */
export async function openSessionFor(teacherEmail: string, studentEmail: string): Promise<SessionLite> {
  const teacher = await apiLogin(teacherEmail);
  const student = await apiLogin(studentEmail);
  const from = new Date(Date.now() - 12 * 3600_000).toISOString();
  const to = new Date(Date.now() + 12 * 3600_000).toISOString();
  const q = `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const mine = await apiCall<{ items: SessionLite[] }>(teacher, 'GET', `/api/me/sessions${q}`);
  const theirs = await apiCall<{ items: SessionLite[] }>(student, 'GET', `/api/me/sessions${q}`);
  const shared = mine.items.find((s) => s.state === 'open' && theirs.items.some((t) => t.id === s.id));
  if (shared) return shared;

  const admin = await apiLogin('admin@example.com');
  const me = await apiCall<{ id: string }>(teacher, 'GET', '/api/me');
  const st = await apiCall<{ id: string }>(student, 'GET', '/api/me');
  const course = await newCourse(admin, me.id, st.id, 'Browser journeys');
  return apiCall<SessionLite>(admin, 'POST', `/api/courses/${course.id}/sessions`, {
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    endsAt: new Date(Date.now() + 85 * 60_000).toISOString(),
    title: 'Live check-in',
  });
}

export async function unreadCount(email: string): Promise<number> {
  const token = await apiLogin(email);
  const page = await apiCall<{ unreadCount?: number; unread?: number }>(token, 'GET', '/api/notifications?unread=true');
  return page.unreadCount ?? page.unread ?? 0;
}

/**
 * A course of its own with the given integrity policy (issue 16), the students enrolled, and a session open now:
 * for the integrity journey and the scan-to-check-in measurement.
 */
export async function courseWithPolicy(
  teacherEmail: string,
  studentEmails: string[],
  policy: Record<string, unknown>,
  name: string,
): Promise<SessionLite> {
  const admin = await apiLogin('admin@example.com');
  const me = await apiCall<{ id: string }>(await apiLogin(teacherEmail), 'GET', '/api/me');
  const students = await apiCall<{ items: { id: string; email: string }[] }>(
    admin,
    'GET',
    '/api/users?role=student&pageSize=100',
  );
  const ids = studentEmails.map((e) => {
    const s = students.items.find((u) => u.email === e);
    if (!s) throw new Error(`no demo student ${e}`);
    return s.id;
  });
  const course = await apiCall<{ id: string; code: string }>(admin, 'POST', '/api/courses', {
    code: `E2E${Date.now().toString(36).toUpperCase().slice(-5)}`,
    name,
    timezone: 'Europe/Lisbon',
    teacherIds: [me.id],
    policy,
  });
  await apiCall(admin, 'POST', `/api/courses/${course.id}/enrollments`, { studentIds: ids });
  const session = await apiCall<SessionLite>(admin, 'POST', `/api/courses/${course.id}/sessions`, {
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    endsAt: new Date(Date.now() + 85 * 60_000).toISOString(),
    title: name,
  });
  return { ...session, courseCode: course.code };
}
