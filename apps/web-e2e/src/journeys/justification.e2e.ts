import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { absentSessionFor } from '../support/api.js';
import { launchBrowser, newActor, PHONE, screenshot, signIn } from '../support/browser.js';
import { tinyPdf } from '../support/pdf.js';

/**
 * Journey (b): a student justifies an absence with a PDF, the teacher opens it in the review page and approves, and
 * the student sees the session as excused.
 */
describe('justified absence', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('student sends a PDF → teacher approves → student sees "excused"', async () => {
    const session = await absentSessionFor('teacher@example.com', 'student@example.com');
    const reason = `Doctor's appointment ${Date.now().toString(36)}`;

    const student = await newActor(browser, PHONE);
    await signIn(student.page, 'student@example.com', undefined, /\/student/);
    await student.page.goto(`/student/justifications?sessionId=${session.id}&type=absence`);
    const form = student.page.getByTestId('justify-form');
    await form.getByLabel('Reason').fill(reason);
    await form.getByLabel(/Document/).setInputFiles({
      name: 'doctor-note.pdf',
      mimeType: 'application/pdf',
      buffer: tinyPdf('Doctor note: please excuse Sara.'),
    });
    await form.getByRole('button', { name: 'Send justification' }).click();
    const mine = student.page.locator('li.list-group-item').filter({ hasText: reason });
    await mine.getByText('Pending').waitFor();
    expect(await mine.textContent()).toContain('doctor-note.pdf');

    const teacher = await newActor(browser);
    onTestFailed(async () => {
      await screenshot(teacher.page, 'failed-justification-teacher').catch(() => undefined);
      await screenshot(student.page, 'failed-justification-student').catch(() => undefined);
    });
    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    await teacher.page.getByRole('link', { name: 'Review', exact: true }).click();
    await teacher.page.getByRole('button').filter({ hasText: reason }).click();
    await teacher.page.getByTestId('approve').click();
    // Reviewed: it leaves the pending queue (the page moves on to the next one) and is listed under "Approved".
    await expect
      .poll(() => teacher.page.getByRole('button').filter({ hasText: reason }).count(), { timeout: 30_000 })
      .toBe(0);
    await teacher.page.getByLabel('Status').selectOption('approved');
    await teacher.page.getByRole('button').filter({ hasText: reason }).getByText('Approved').waitFor();
    await screenshot(teacher.page, 'journey-justification-teacher-desktop');

    // The student's list updates live (justification.reviewed) or on the next visit; either way it says excused.
    await student.page.reload();
    await mine.getByText('Approved').waitFor();
    await mine.getByText('Excused').waitFor();
    await student.page.goto('/student/history');
    await student.page
      .locator('li')
      .filter({ hasText: `${session.courseCode} · Missed lecture` })
      .getByText('Excused')
      .waitFor();
    await screenshot(student.page, 'journey-justification-student-phone');
    await student.context.close();
    await teacher.context.close();
  });
});
