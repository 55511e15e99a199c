import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { apiCall, apiLogin } from '../support/api.js';
import { launchBrowser, newActor, screenshot, signIn } from '../support/browser.js';

/** YYYY-MM-DD of a UTC date, and the same as the dd/mm/yyyy typed in the form. */
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const typed = (iso: string) => iso.split('-').reverse().join('/');
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/**
 * Terms with holidays: the admin adds a holiday on a date that already has a session and is offered to cancel it;
 * then a weekly series planned over that date with one exception date of its own skips both, and says so.
 */
describe('holidays and exception dates', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('holiday → offered to cancel the session on it → a weekly series skips the holiday and an exception date', async () => {
    // A Sunday four weeks or more ahead (UTC noon, so the Lisbon date is the same): the demo school teaches on
    // weekdays, so the holiday's offer lists only this journey's session.
    const now = new Date();
    const sunday = plusDays(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12)), 28);
    while (sunday.getUTCDay() !== 0) sunday.setUTCDate(sunday.getUTCDate() + 1);
    const holiday = isoDay(sunday);
    const exception = isoDay(plusDays(sunday, 7));
    const admin = await apiLogin('admin@example.com');
    const teacher = await apiCall<{ id: string }>(await apiLogin('teacher2@example.com'), 'GET', '/api/me');
    const course = await apiCall<{ id: string; code: string }>(admin, 'POST', '/api/courses', {
      code: `HO${Date.now().toString(36).toUpperCase().slice(-6)}`,
      name: 'Holiday course',
      timezone: 'Europe/Lisbon',
      teacherIds: [teacher.id],
    });
    const planned = await apiCall<{ id: string }>(admin, 'POST', `/api/courses/${course.id}/sessions`, {
      startsAt: `${holiday}T10:00:00Z`,
      endsAt: `${holiday}T11:00:00Z`,
    });

    const { page, context } = await newActor(browser);
    onTestFailed(() =>
      screenshot(page, 'failed-holidays').then(
        () => undefined,
        () => undefined,
      ),
    );
    await signIn(page, 'admin@example.com', undefined, /\/admin/);
    await page.getByRole('link', { name: 'Holidays' }).first().click();
    await page.waitForURL(/\/admin\/holidays/);
    const form = page.getByTestId('holiday-form');
    await form.getByLabel('Date').fill(typed(holiday));
    await form.getByLabel('Name').fill('Founders day');
    await form.getByRole('button', { name: 'Add holiday' }).click();
    const offer = page.getByTestId('holiday-offer');
    await offer.getByText('1 session is already planned on Founders day: cancel it?').waitFor();
    await offer.getByText(course.code).waitFor();
    await offer.getByRole('button', { name: 'Cancel the session' }).click();
    await page.getByRole('status').filter({ hasText: '1 session cancelled' }).waitFor();
    await page.locator(`[data-testid=holidays] li[data-date="${holiday}"]`).getByText('Founders day').waitFor();
    const cancelled = await apiCall<{ state: string; cancelReason?: string | null }>(
      admin,
      'GET',
      `/api/sessions/${planned.id}`,
    );
    expect(cancelled.state).toBe('cancelled');

    // The series: Sundays from a week before the holiday to two weeks after it — four Sundays, two skipped.
    await page.goto(`/teacher/courses/${course.id}?tab=schedule`);
    const schedule = page.getByTestId('schedule-form');
    await schedule.getByLabel('From').fill(typed(isoDay(plusDays(sunday, -7))));
    await schedule.getByLabel('To', { exact: true }).fill(typed(isoDay(plusDays(sunday, 14))));
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) {
      const box = schedule.locator(
        `input[type=checkbox][value="${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(day) + 1}"]`,
      );
      const want = day === 'Sun';
      if ((await box.isChecked()) !== want)
        await schedule.locator('label', { hasText: new RegExp(`^${day}$`) }).click();
    }
    await schedule.getByTestId('holidays-skipped').getByText('Founders day').waitFor();
    await schedule.getByLabel('Except on').fill(typed(exception));
    await schedule.getByRole('button', { name: 'Skip this date' }).click();
    await schedule.locator(`[data-date="${exception}"]`).waitFor();
    await schedule.getByRole('button', { name: 'Create 2 sessions' }).click();
    await page.getByRole('status').filter({ hasText: '2 sessions created' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Skipped:' }).waitFor();
    await context.close();

    const sessions = await apiCall<{ items: { startsAt: string; state: string }[] }>(
      admin,
      'GET',
      `/api/courses/${course.id}/sessions?pageSize=100`,
    );
    const days = sessions.items.filter((s) => s.state !== 'cancelled').map((s) => s.startsAt.slice(0, 10));
    expect(days.sort()).toEqual([isoDay(plusDays(sunday, -7)), isoDay(plusDays(sunday, 14))]);
  });
});
