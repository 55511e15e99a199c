import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openSessionFor, unreadCount } from '../support/api.js';
import { DEMO_PASSWORD, launchBrowser, newActor, PHONE, screenshot, signIn } from '../support/browser.js';

/**
 * Journey (a), SPEC §5 and §7: the teacher shows a code on the live session page, a student on their phone types it
 * on the dashboard, the teacher's roster updates without a reload, the teacher validates, and the student gets a
 * toast and a notification badge — all pushed over Socket.IO.
 */
describe('live check-in', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('code → check-in → live roster → validate → toast and badge', async () => {
    const session = await openSessionFor('teacher@example.com', 'student@example.com');
    const teacher = await newActor(browser);
    const student = await newActor(browser, PHONE);
    onTestFailed(async () => {
      await screenshot(teacher.page, 'failed-live-teacher').catch(() => undefined);
      await screenshot(student.page, 'failed-live-student').catch(() => undefined);
    });

    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    await teacher.page.goto(`/teacher/sessions/${session.id}`);
    const row = teacher.page.locator('[data-testid="roster"] li[data-student="student@example.com"]');
    await expect.poll(() => row.textContent()).toContain('Not checked in');

    await teacher.page.getByLabel(/Fixed code/).check();
    await teacher.page.getByTestId('generate-code').click();
    const codeBox = teacher.page.getByTestId('live-code');
    await codeBox.waitFor();
    const code = (await codeBox.textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4,16}$/);

    await signIn(student.page, 'student@example.com', undefined, /\/student/);
    const unreadBefore = await unreadCount('student@example.com');
    await student.page.getByLabel('Attendance code').fill(code);
    await student.page.getByRole('button', { name: 'Check in', exact: true }).click();
    await student.page.getByTestId('checkin-result').waitFor();

    // The teacher's page was not reloaded: the roster row changes through the socket event.
    const reloads: string[] = [];
    teacher.page.on('framenavigated', (f) => f === teacher.page.mainFrame() && reloads.push(f.url()));
    await row.getByText('Pending').waitFor();
    expect(reloads).toEqual([]);

    await row.getByRole('button', { name: 'Validate Sara Student' }).click();
    // Validation confirms the check-in: present, or late when it came after the course's late threshold.
    await row
      .locator('.badge')
      .filter({ hasText: /^(Present|Late)$/ })
      .waitFor();

    const toast = student.page.getByRole('status').filter({ hasText: 'Your attendance was confirmed' });
    await toast.waitFor();
    await expect
      .poll(async () => Number(await student.page.getByTestId('unread-badge').textContent()))
      .toBe(unreadBefore + 1);

    await screenshot(teacher.page, 'journey-live-teacher-desktop');
    await screenshot(student.page, 'journey-live-student-phone');
    await teacher.context.close();
    await student.context.close();
  });

  it('rotating code on the projector changes without a reload → its QR link checks a signed-out student in', async () => {
    const session = await openSessionFor('teacher@example.com', 'student2@example.com');
    const teacher = await newActor(browser);
    const student = await newActor(browser, PHONE);
    onTestFailed(async () => {
      await screenshot(teacher.page, 'failed-rotating-teacher').catch(() => undefined);
      await screenshot(student.page, 'failed-rotating-student').catch(() => undefined);
    });

    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    await teacher.page.goto(`/teacher/sessions/${session.id}`);
    await teacher.page.getByTestId('roster').waitFor();
    // The other journey may have left a fixed code showing: stop it first.
    const stop = teacher.page.getByRole('button', { name: 'Stop code' });
    if (await stop.count()) await stop.click();
    await teacher.page.getByLabel(/Rotating QR code/).check();
    await teacher.page.getByTestId('generate-code').click();
    await teacher.page.getByTestId('live-code').waitFor();

    await teacher.page.goto(`/teacher/sessions/${session.id}/projector`);
    const shown = teacher.page.getByTestId('projector-code');
    const codeOnScreen = async () => ((await shown.textContent()) ?? '').replace(/\s/g, '');
    await shown.waitFor();
    const first = await codeOnScreen();
    expect(first).toMatch(/^[A-Z2-9]{4,16}$/);
    const reloads: string[] = [];
    teacher.page.on('framenavigated', (f) => f === teacher.page.mainFrame() && reloads.push(f.url()));
    await expect.poll(codeOnScreen, { timeout: 45_000 }).not.toBe(first);
    expect(reloads).toEqual([]);
    const current = await codeOnScreen();

    // The QR code opens /check-in?code=…: signed out, the student signs in first and is then checked in by itself.
    await student.page.goto(`/check-in?code=${current}`);
    await student.page.waitForURL(/\/login/);
    await student.page.getByLabel('Email').fill('student2@example.com');
    await student.page.locator('#password').fill(DEMO_PASSWORD);
    await student.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const result = student.page.getByTestId('checkin-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(session.courseCode);

    await screenshot(teacher.page, 'journey-rotating-projector-desktop');
    await screenshot(student.page, 'journey-qr-checkin-phone');
    await teacher.context.close();
    await student.context.close();
  });
});
