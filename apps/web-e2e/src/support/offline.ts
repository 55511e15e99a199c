import type { BrowserContext, Page } from 'playwright-core';
import { apiCall, apiLogin } from './api.js';
import { DEMO_PASSWORD } from './browser.js';

/** A class of its own for an offline journey: new students (so counts are exact) enrolled two days ago. */
export interface OfflineClass {
  courseId: string;
  courseCode: string;
  sessionId: string;
  teacherToken: string;
  adminToken: string;
  students: { id: string; email: string; fullName: string; token: () => Promise<string> }[];
}

export async function offlineClass(
  name: string,
  size: number,
  policy: Record<string, unknown> = {},
): Promise<OfflineClass> {
  const admin = await apiLogin('admin@example.com');
  const teacherToken = await apiLogin('teacher@example.com');
  const teacher = await apiCall<{ id: string }>(teacherToken, 'GET', '/api/me');
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`.toUpperCase();
  const students: OfflineClass['students'] = [];
  for (let i = 0; i < size; i++) {
    const email = `off-${tag.toLowerCase()}-${i}@example.com`;
    const fullName = `${name} Student ${String.fromCharCode(65 + i)}`;
    const { user } = await apiCall<{ user: { id: string } }>(admin, 'POST', '/api/users', {
      email,
      fullName,
      role: 'student',
      password: DEMO_PASSWORD,
    });
    students.push({ id: user.id, email, fullName, token: () => apiLogin(email) });
  }
  const course = await apiCall<{ id: string; code: string }>(admin, 'POST', '/api/courses', {
    code: `OF${tag.slice(-6)}`,
    name,
    timezone: 'Europe/Lisbon',
    teacherIds: [teacher.id],
    ...(Object.keys(policy).length ? { policy } : {}),
  });
  await apiCall(admin, 'POST', `/api/courses/${course.id}/enrollments`, {
    studentIds: students.map((s) => s.id),
    enrolledAt: new Date(Date.now() - 48 * 3600_000).toISOString(),
  });
  const session = await apiCall<{ id: string }>(admin, 'POST', `/api/courses/${course.id}/sessions`, {
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    endsAt: new Date(Date.now() + 85 * 60_000).toISOString(),
    title: name,
  });
  return {
    courseId: course.id,
    courseCode: course.code,
    sessionId: session.id,
    teacherToken,
    adminToken: admin,
    students,
  };
}

export interface EventRow {
  studentId: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  reason: string | null;
  createdAt: string;
}

export async function sessionEvents(c: OfflineClass): Promise<EventRow[]> {
  const page = await apiCall<{ items: EventRow[] }>(
    c.teacherToken,
    'GET',
    `/api/sessions/${c.sessionId}/attendance/events?pageSize=100`,
  );
  return page.items;
}

export async function rosterStatuses(c: OfflineClass): Promise<Record<string, string | null>> {
  const r = await apiCall<{ items: { email: string; status: string | null }[] }>(
    c.teacherToken,
    'GET',
    `/api/sessions/${c.sessionId}/attendance`,
  );
  return Object.fromEntries(r.items.map((i) => [i.email, i.status]));
}

/** Reads the session's changes feed from `cursor` to its end: the records changed since, and the next cursor. */
export async function changesSince(
  c: OfflineClass,
  cursor?: string,
): Promise<{ items: { studentId: string; status: string }[]; cursor: string }> {
  const items: { studentId: string; status: string }[] = [];
  let next = cursor;
  for (let i = 0; i < 50; i++) {
    const q = new URLSearchParams({ sessionId: c.sessionId, limit: '100', ...(next ? { cursor: next } : {}) });
    const page = await apiCall<{
      items: { studentId: string; status: string }[];
      nextCursor: string;
      hasMore: boolean;
    }>(c.adminToken, 'GET', `/api/attendance-records?${q}`);
    items.push(...page.items);
    next = page.nextCursor;
    if (!page.hasMore) break;
  }
  return { items, cursor: next! };
}

/** Waits until the service worker controls the page (the shell and every asset are then precached). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const reg = await navigator.serviceWorker.ready;
      return !!reg.active && !!navigator.serviceWorker.controller;
    },
    null,
    { timeout: 60_000 },
  );
}

/** Chromium's offline emulation for a whole browser profile (pages and service worker). */
export async function goOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(true);
}

export async function goOnline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
}

/** What this page's device keeps (the app's IndexedDB `sysponto-offline`): the kept reads' names and the queue length. */
export async function onDevice(page: Page): Promise<{ reads: string[]; queued: number }> {
  return page.evaluate(
    () =>
      new Promise<{ reads: string[]; queued: number }>((resolve, reject) => {
        const open = indexedDB.open('sysponto-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('reads')) {
            db.close();
            return resolve({ reads: [], queued: 0 });
          }
          const tx = db.transaction(['reads', 'queue'], 'readonly');
          const keys = tx.objectStore('reads').getAllKeys();
          const count = tx.objectStore('queue').count();
          tx.oncomplete = () => {
            db.close();
            // Keys are `<userId>:<what>`: the part after the user.
            resolve({
              reads: (keys.result as string[]).map((k) => k.slice(k.indexOf(':') + 1)),
              queued: count.result,
            });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Waits until the device keeps a copy of each read named (e.g. `roster:<id>`), so the page can open offline. */
export async function waitForKeptReads(page: Page, whats: (string | RegExp)[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { reads } = await onDevice(page);
    const missing = whats.filter((w) => !reads.some((r) => (typeof w === 'string' ? r === w : w.test(r))));
    if (!missing.length) return;
    if (Date.now() > deadline)
      throw new Error(`not kept on the device: ${missing.join(', ')} (kept: ${reads.join(', ')})`);
    await page.waitForTimeout(200);
  }
}

/** Whether the page's icons are drawn: the first `.bi` paints a 1em box through its SVG shape (the stylesheet's). */
export async function iconsDrawn(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const icon = document.querySelector('.bi');
    if (!icon) return false;
    const before = getComputedStyle(icon, '::before');
    return before.maskImage.startsWith('url("data:image/svg+xml') && parseFloat(before.width) > 0;
  });
}
