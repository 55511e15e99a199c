import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { apiCall } from '../support/api.js';
import { launchBrowser, launchProfile, newActor, PHONE, screenshot, signIn } from '../support/browser.js';
import {
  changesSince,
  goOffline,
  goOnline,
  iconsDrawn,
  offlineClass,
  onDevice,
  rosterStatuses,
  sessionEvents,
  waitForKeptReads,
  waitForServiceWorker,
} from '../support/offline.js';

/** Back online, a replay may be cut short and finished by the app's next try (SYNC_RETRY_MS, 15 s) on a busy machine. */
const SYNC_WAIT_MS = 60_000;

/**
 * Issue 17: the app keeps working when the classroom network does not. Chromium's offline emulation
 * (context.setOffline) cuts the page and its service worker off the API; every change made meanwhile is queued with
 * an Idempotency-Key and must land exactly once when the network returns.
 */
describe('offline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens offline after one online visit (phone and desktop), says so, and shows what was read with its age', async () => {
    for (const [who, viewport, home, kept] of [
      ['student@example.com', PHONE, /\/student/, ['upcoming:8', 'my-attendance:summary']],
      ['teacher@example.com', undefined, /\/teacher/, ['upcoming:7', 'my-courses']],
    ] as const) {
      const actor = await newActor(browser, viewport);
      onTestFailed(async () => void (await screenshot(actor.page, `failed-offline-start-${who}`).catch(() => 0)));
      await signIn(actor.page, who, undefined, home);
      await actor.page.getByRole('heading', { level: 1 }).waitFor();
      await waitForServiceWorker(actor.page);
      // The dashboard's reads are kept (IndexedDB) before the network goes.
      await waitForKeptReads(actor.page, [...kept]);

      await goOffline(actor.context);
      await actor.page.reload();
      await actor.page.getByTestId('offline-banner').waitFor();
      expect(await actor.page.getByTestId('offline-banner').textContent()).toContain('You are offline.');
      // Still signed in, on the same page, with the data read online and its age.
      expect(actor.page.url()).toMatch(home);
      await actor.page.getByRole('heading', { level: 1 }).waitFor();
      expect(await actor.page.getByTestId('offline-data').textContent()).toMatch(/Offline: showing what was read/);
      // The icons too come from the cache (they are in the stylesheet).
      await expect.poll(() => iconsDrawn(actor.page)).toBe(true);
      await screenshot(actor.page, `offline-start-${viewport ? 'phone' : 'desktop'}`);

      await goOnline(actor.context);
      await actor.page.getByTestId('offline-banner').waitFor({ state: 'detached' });
      await actor.page.getByTestId('offline-data').waitFor({ state: 'detached' });
      await actor.context.close();
    }
  });

  it('a student’s history opens offline with what was read last, marked with its age', async () => {
    const student = await newActor(browser, PHONE);
    onTestFailed(async () => void (await screenshot(student.page, 'failed-offline-history').catch(() => 0)));
    await signIn(student.page, 'student@example.com', undefined, /\/student/);
    await waitForServiceWorker(student.page);
    await student.page.goto('/student/history');
    const rows = student.page.locator('main li.list-group-item');
    await rows.first().waitFor();
    const online = await rows.allTextContents();
    expect(online.length).toBeGreaterThan(0);
    await waitForKeptReads(student.page, [/^my-attendance:\{"page":1,/]);

    await goOffline(student.context);
    await student.page.reload();
    await student.page.getByTestId('offline-banner').waitFor();
    const notice = student.page.getByTestId('offline-data');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Offline: showing what was read .*ago/);
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual(online);
    await screenshot(student.page, 'offline-history-phone');

    await goOnline(student.context);
    await notice.waitFor({ state: 'detached' });
    await student.context.close();
  });

  it('meets Chromium’s installability criteria (manifest, icons, service worker, offline start)', async () => {
    // A real profile: Chromium never offers to install from an incognito-like context.
    const profile = mkdtempSync(join(tmpdir(), 'sysponto-install-'));
    const context = await launchProfile(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/login');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as {
      url: string;
      errors: { message: string }[];
      data?: string;
    };
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
    expect(manifest.errors).toEqual([]);
    const data = JSON.parse(manifest.data!) as {
      name: string;
      short_name: string;
      theme_color: string;
      display: string;
      start_url: string;
      icons: { sizes: string; purpose?: string }[];
    };
    expect(data).toMatchObject({
      name: 'SysPonto — class attendance',
      short_name: 'SysPonto',
      theme_color: '#0d6efd',
      display: 'standalone',
      start_url: '/',
    });
    expect(data.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installability.installabilityErrors.map((e) => e.errorId)).toEqual([]);
    // A service worker controls the page, and the start URL opens with no network at all (the cached shell).
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
    await goOffline(context);
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await goOnline(context);
    // The service worker file and the manifest are revalidated on every load, never cached for long.
    const sw = await fetch(new URL('/sw.js', page.url()));
    expect(sw.headers.get('cache-control') ?? '').not.toMatch(/immutable|max-age=[1-9]/);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    const webmanifest = await fetch(new URL('/manifest.webmanifest', page.url()));
    expect(webmanifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(webmanifest.headers.get('cache-control') ?? '').not.toMatch(/immutable/);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('a teacher validates three students offline; back online the API shows exactly three changes and three events', async () => {
    const c = await offlineClass('Offline validation', 3);
    const { code } = await apiCall<{ code: string }>(c.teacherToken, 'POST', `/api/sessions/${c.sessionId}/codes`, {
      mode: 'fixed',
    });
    for (const s of c.students) await apiCall(await s.token(), 'POST', '/api/check-ins', { code });
    const before = await sessionEvents(c);
    expect(before.map((e) => e.toStatus)).toEqual(['pending', 'pending', 'pending']);
    const { cursor } = await changesSince(c);

    const teacher = await newActor(browser);
    onTestFailed(async () => void (await screenshot(teacher.page, 'failed-offline-validate').catch(() => 0)));
    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    await teacher.page.goto(`/teacher/sessions/${c.sessionId}`);
    const row = (email: string) => teacher.page.locator(`[data-testid="roster"] li[data-student="${email}"]`);
    for (const s of c.students) await row(s.email).getByText('Pending', { exact: true }).waitFor();
    await waitForServiceWorker(teacher.page);

    await goOffline(teacher.context);
    await teacher.page.getByTestId('offline-banner').waitFor();
    for (const s of c.students) {
      await row(s.email)
        .getByRole('button', { name: `Validate ${s.fullName}` })
        .click();
      await row(s.email).getByTestId('pending-sync').waitFor();
    }
    expect(await teacher.page.getByTestId('pending-count').textContent()).toContain('3 changes waiting to be sent');
    await screenshot(teacher.page, 'offline-validate-pending-desktop');
    // Nothing reached the server while offline.
    expect(await sessionEvents(c)).toHaveLength(3);

    await goOnline(teacher.context);
    // A replay the network interrupts is finished by the next try (every 15 s while changes wait).
    await teacher.page
      .getByRole('status')
      .filter({ hasText: '3 changes made offline were sent' })
      .waitFor({ timeout: SYNC_WAIT_MS });
    await expect.poll(() => teacher.page.getByTestId('pending-sync').count()).toBe(0);
    for (const s of c.students)
      await row(s.email)
        .locator('.badge')
        .filter({ hasText: /^(Present|Late)$/ })
        .waitFor();

    const events = await sessionEvents(c);
    const teacherEvents = events.filter((e) => e.source === 'teacher');
    expect(teacherEvents).toHaveLength(3);
    expect(events).toHaveLength(6);
    expect(new Set(teacherEvents.map((e) => e.studentId))).toEqual(new Set(c.students.map((s) => s.id)));
    for (const e of teacherEvents) {
      expect(e.fromStatus).toBe('pending');
      expect(e.reason).toMatch(/^recorded offline at \d{4}-\d\d-\d\dT/);
    }
    const changed = await changesSince(c, cursor);
    expect(changed.items).toHaveLength(3);
    expect(new Set(changed.items.map((i) => i.studentId))).toEqual(new Set(c.students.map((s) => s.id)));

    // Nothing is sent twice: a reload and another sync leave the log as it is.
    await teacher.page.reload();
    await row(c.students[0]!.email).waitFor();
    expect((await onDevice(teacher.page)).queued).toBe(0);
    expect(await sessionEvents(c)).toHaveLength(6);
    await teacher.context.close();
  });

  it('an offline roll call of a whole class (roster kept from the dashboard) syncs; a later check-in wins a conflict', async () => {
    const c = await offlineClass('Offline roll call', 4);
    const teacher = await newActor(browser);
    onTestFailed(async () => void (await screenshot(teacher.page, 'failed-offline-roll-call').catch(() => 0)));
    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    // The dashboard keeps today's rosters on the device: the session page was never opened online.
    await teacher.page.getByText('Offline roll call').first().waitFor();
    await waitForServiceWorker(teacher.page);
    await waitForKeptReads(teacher.page, [`session:${c.sessionId}`, `roster:${c.sessionId}`, 'upcoming:7']);
    const { code } = await apiCall<{ code: string }>(c.teacherToken, 'POST', `/api/sessions/${c.sessionId}/codes`, {
      mode: 'fixed',
    });

    await goOffline(teacher.context);
    await teacher.page.reload();
    await teacher.page.getByTestId('offline-banner').waitFor();
    await teacher.page.locator(`a[href="/teacher/sessions/${c.sessionId}"]`).first().click();
    await teacher.page.getByTestId('roster').waitFor();
    expect(await teacher.page.getByTestId('offline-data').textContent()).toContain('Offline: showing what was read');
    await teacher.page.getByTestId('roll-call').click();
    const marks = ['present', 'late', 'absent', 'absent'] as const;
    const row = (email: string) => teacher.page.locator(`[data-testid="roster"] li[data-student="${email}"]`);
    for (const [i, s] of c.students.entries()) {
      const label = { present: 'present', late: 'late', absent: 'absent' }[marks[i]!];
      await row(s.email)
        .getByRole('button', { name: `Mark ${s.fullName} ${label}` })
        .click();
      await row(s.email).getByTestId('pending-sync').waitFor();
    }
    expect(await teacher.page.getByTestId('pending-count').textContent()).toContain('4 changes waiting to be sent');
    await screenshot(teacher.page, 'offline-roll-call-desktop');

    // Meanwhile the last student checks in (the server sees that after the teacher's offline mark). The app turns
    // its clock into the server's from answers' `Date` headers (whole seconds): a check-in within a second of the
    // mark may count as earlier than it, so it comes clearly later here.
    await new Promise((r) => setTimeout(r, 1500));
    const last = c.students[3]!;
    await apiCall(await last.token(), 'POST', '/api/check-ins', { code });

    await goOnline(teacher.context);
    // A replay the network interrupts is finished by the next try (every 15 s while changes wait).
    await teacher.page
      .getByRole('status')
      .filter({ hasText: '3 changes made offline were sent' })
      .waitFor({ timeout: SYNC_WAIT_MS });
    const refused = teacher.page.getByTestId('sync-refused');
    await refused.waitFor({ timeout: SYNC_WAIT_MS });
    expect(await refused.textContent()).toContain(
      `${last.fullName}: your offline change (Absent) was not applied, because Pending was recorded later`,
    );
    await expect.poll(() => teacher.page.getByTestId('pending-sync').count()).toBe(0);

    expect(await rosterStatuses(c)).toEqual({
      [c.students[0]!.email]: 'present',
      [c.students[1]!.email]: 'late',
      [c.students[2]!.email]: 'absent',
      [last.email]: 'pending',
    });
    const events = await sessionEvents(c);
    const offline = events.filter((e) => e.source === 'teacher');
    expect(offline).toHaveLength(3);
    for (const e of offline) expect(e.reason).toMatch(/^recorded offline at /);
    // Logged at the time each mark was made, before the check-in that came later.
    const checkInAt = Date.parse(events.find((e) => e.studentId === last.id)!.createdAt);
    for (const e of offline) expect(Date.parse(e.createdAt)).toBeLessThan(checkInAt);
    await screenshot(teacher.page, 'offline-roll-call-synced-desktop');
    await teacher.context.close();
  });

  it('a student’s check-in queued offline lands once within the code’s validity, and is refused after it expired', async () => {
    // Within validity: a fixed code (10 minutes).
    const c = await offlineClass('Offline check-in', 1);
    const [s] = c.students;
    const { code } = await apiCall<{ code: string }>(c.teacherToken, 'POST', `/api/sessions/${c.sessionId}/codes`, {
      mode: 'fixed',
    });
    const student = await newActor(browser, PHONE);
    onTestFailed(async () => void (await screenshot(student.page, 'failed-offline-check-in').catch(() => 0)));
    await signIn(student.page, s!.email, undefined, /\/student/);
    await waitForServiceWorker(student.page);
    await goOffline(student.context);
    await student.page.getByTestId('offline-banner').waitFor();
    await student.page.getByLabel('Attendance code').fill(code);
    await student.page.getByRole('button', { name: 'Check in', exact: true }).click();
    const queued = student.page.getByTestId('checkin-queued');
    await queued.waitFor();
    expect(await queued.textContent()).toContain('Queued — will be sent when you are back online.');
    await screenshot(student.page, 'offline-check-in-queued-phone');
    expect(await sessionEvents(c)).toHaveLength(0);

    await goOnline(student.context);
    const result = student.page.getByTestId('checkin-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(c.courseCode);
    await queued.waitFor({ state: 'detached' });
    // Nothing left on the phone to send again.
    await expect.poll(async () => (await onDevice(student.page)).queued).toBe(0);
    const events = await sessionEvents(c);
    expect(events.map((e) => [e.studentId, e.toStatus])).toEqual([[s!.id, 'pending']]);
    await student.context.close();

    // After it expired: a rotating code that changes every 5 s with no grace.
    const r = await offlineClass('Offline late check-in', 1, { rotatingIntervalSeconds: 5, rotatingGraceSeconds: 0 });
    const [late] = r.students;
    const phone = await newActor(browser, PHONE);
    onTestFailed(async () => void (await screenshot(phone.page, 'failed-offline-check-in-expired').catch(() => 0)));
    await signIn(phone.page, late!.email, undefined, /\/student/);
    await waitForServiceWorker(phone.page);
    await goOffline(phone.context);
    const shown = await apiCall<{ code: string }>(r.teacherToken, 'POST', `/api/sessions/${r.sessionId}/codes`, {
      mode: 'rotating',
    });
    await phone.page.getByLabel('Attendance code').fill(shown.code);
    await phone.page.getByRole('button', { name: 'Check in', exact: true }).click();
    await phone.page.getByTestId('checkin-queued').waitFor();
    // The network comes back after the code has changed twice (as the server shows it, not by the clock here).
    const shownSince = new Set([shown.code]);
    await expect
      .poll(
        async () => {
          const current = await apiCall<{ code: string }>(
            r.teacherToken,
            'GET',
            `/api/sessions/${r.sessionId}/codes/current`,
          );
          shownSince.add(current.code);
          return shownSince.size;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThanOrEqual(3);
    await goOnline(phone.context);
    const refused = phone.page.getByTestId('checkin-queued-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain(
      'The code was no longer valid when your check-in arrived. Ask your teacher to mark you present.',
    );
    await phone.page.getByTestId('checkin-queued').waitFor({ state: 'detached' });
    expect(await rosterStatuses(r)).toEqual({ [late!.email]: null });
    await screenshot(phone.page, 'offline-check-in-expired-phone');
    await phone.context.close();
  });
});
