import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { apiCall, apiLogin } from '../support/api.js';
import { launchBrowser, newActor, screenshot, signIn } from '../support/browser.js';

/**
 * Admin course set-up: create a course with a time zone and a teacher, plan a weekly series of sessions, enroll a
 * student with the picker; the student then has the course and the teacher sees its sessions.
 */
describe('admin courses', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('create course → weekly series → enroll a student', async () => {
    const code = `AC${Date.now().toString(36).toUpperCase().slice(-6)}`;
    const { page, context } = await newActor(browser);
    onTestFailed(() =>
      screenshot(page, 'failed-admin-courses').then(
        () => undefined,
        () => undefined,
      ),
    );
    await signIn(page, 'admin@example.com', undefined, /\/admin/);
    await page.goto('/admin/courses');
    await page.getByRole('button', { name: 'New course' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Code').fill(code);
    await dialog.getByLabel('Name').fill('Browser-made course');
    await dialog.getByLabel('Time zone').fill('America/New_York');
    await dialog.getByLabel('Teachers').fill('Teresa');
    await dialog.getByRole('option').filter({ hasText: 'Teresa Tavares' }).getByRole('button').click();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/teacher\/courses\/[0-9a-f-]+\?tab=schedule/);
    const courseId = /courses\/([0-9a-f-]+)/.exec(page.url())![1]!;

    const form = page.getByTestId('schedule-form');
    const create = form.getByRole('button', { name: /^Create \d+ sessions$/ });
    const planned = Number(/\d+/.exec((await create.textContent()) ?? '')![0]);
    expect(planned).toBeGreaterThanOrEqual(12);
    await create.click();
    await page
      .getByRole('status')
      .filter({ hasText: `${planned} sessions created` })
      .waitFor();

    await page.getByRole('tab', { name: 'Students' }).click();
    await page.getByLabel('Add students').fill('student5@');
    await page.getByRole('option').filter({ hasText: 'student5@example.com' }).getByRole('button').click();
    await page.getByRole('button', { name: 'Enroll 1' }).click();
    await page.getByRole('status').filter({ hasText: '1 student enrolled' }).waitFor();
    await page.getByRole('tabpanel').getByText('student5@example.com').waitFor();
    await context.close();

    // What the others now see, over the API: the student is enrolled, the teacher has the sessions.
    const student = await apiLogin('student5@example.com');
    const mine = await apiCall<{ items: { id: string; code: string }[] }>(student, 'GET', '/api/courses?pageSize=100');
    expect(mine.items.map((c) => c.code)).toContain(code);
    const teacher = await apiLogin('teacher2@example.com');
    const sessions = await apiCall<{ items: unknown[]; total: number }>(
      teacher,
      'GET',
      `/api/courses/${courseId}/sessions?pageSize=100`,
    );
    expect(sessions.total ?? sessions.items.length).toBe(planned);
  });
});
