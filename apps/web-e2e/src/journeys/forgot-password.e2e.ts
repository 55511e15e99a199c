import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, launchBrowser, newActor, signIn } from '../support/browser.js';
import { waitForMail } from '../support/mail.js';

/**
 * Forgot password: from the sign-in page a student asks for a link, the mail arrives (a real SMTP server in the test
 * process), the link sets a new password, the student's other signed-in browser is signed out, and the new password
 * works while the old one does not. Then an admin sends a link from the users page.
 */
describe('forgot password', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sign-in → "Forgot password?" → mailed link → new password; other devices signed out; admin sends a link', async () => {
    const email = 'student29@example.com';
    const elsewhere = await newActor(browser);
    await signIn(elsewhere.page, email, DEMO_PASSWORD, /\/student/);

    const { context, page } = await newActor(browser);
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/forgot-password/);
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByTestId('reset-requested').waitFor();

    const mail = await waitForMail(email, (m) => m.subject.includes('new SysPonto password'));
    const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail.text)![0];
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('my own new password');
    await page.getByLabel('Repeat the new password').fill('my own new password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(/\/login\?reset=1/);
    await page.getByTestId('reset-done').waitFor();

    // The link works once.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Repeat the new password').fill('yet another password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('reset-error').getByText('does not work any more').waitFor();

    // The old password fails, the new one works.
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('login-error').waitFor();
    await signIn(page, email, 'my own new password', /\/student/);

    // The browser that was signed in before is signed out at its next request.
    await elsewhere.page.reload();
    await elsewhere.page.waitForURL(/\/login/);
    await elsewhere.context.close();
    await context.close();

    // An admin sends a link from the users page; it arrives in the student's language.
    const admin = await newActor(browser);
    await signIn(admin.page, 'admin@example.com', undefined, /\/admin/);
    await admin.page.goto('/admin/users');
    await admin.page.getByLabel('Search users').fill(email);
    const row = admin.page.locator(`tr[data-email="${email}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: /^Send .* a password reset link$/ }).click();
    await admin.page
      .getByRole('status')
      .filter({ hasText: `Reset link sent to ${email}` })
      .waitFor();
    await waitForMail(email, (m) => m.text.includes('administration sent you a link'));
    await admin.context.close();
  });
});
