import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newActor, signIn } from '../support/browser.js';

/**
 * Admin user management: create a user (the one-time temporary password is shown once), the new user must change it
 * at first sign-in, the admin deactivates and then deletes the account after confirming.
 */
describe('admin users', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('create with a temporary password → first sign-in must change it → deactivate → delete', async () => {
    const email = `new.teacher.${Date.now().toString(36)}@example.com`;
    const admin = await newActor(browser);
    await signIn(admin.page, 'admin@example.com', undefined, /\/admin/);
    await admin.page.goto('/admin/users');
    await admin.page.getByTestId('new-user').click();
    const dialog = admin.page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Nora New');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Role').selectOption('teacher');
    await dialog.getByTestId('save-user').click();
    const shown = admin.page.getByTestId('temp-password');
    await shown.waitFor();
    const password = await shown.getByRole('textbox').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(10);
    await shown.getByRole('button', { name: 'Close' }).click();

    // The new user signs in with it and is sent to change it first.
    const nora = await newActor(browser);
    await signIn(nora.page, email, password, /\/profile/);
    expect(nora.page.url()).toContain('mustChange=1');
    await nora.context.close();

    await admin.page.getByLabel('Search users').fill(email);
    const row = admin.page.locator(`tr[data-email="${email}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Deactivate Nora New' }).click();
    await row.getByText('Deactivated').waitFor();

    await row.getByRole('button', { name: 'Delete Nora New' }).click();
    await admin.page.getByRole('alertdialog').getByText('Delete Nora New?').waitFor();
    await admin.page.getByTestId('confirm-delete').click();
    await admin.page.getByText('No users match').waitFor();
    await admin.context.close();
  });
});
