import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newActor, screenshot, signIn } from '../support/browser.js';

/**
 * Journey (c): an admin imports users from a CSV file; the dry-run preview shows the one bad row with its reason,
 * blocks the all-or-nothing import, offers the valid rows only and the rejected row as a CSV with its error; after
 * fixing the file the import runs and the new users are in the list.
 */
describe('CSV user import', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('previews every row, shows the bad one, then imports the fixed file', async () => {
    const tag = Date.now().toString(36);
    const good = [`ana.${tag}@example.com,Ana Import,student,I${tag}1`, `rui.${tag}@example.com,Rui Import,teacher,`];
    const bad = `not-an-email,Bad Row,student,I${tag}2`;
    const csv = (rows: string[]) => Buffer.from(['email,full name,role,student number', ...rows].join('\n') + '\n');

    const { page, context } = await newActor(browser);
    await signIn(page, 'admin@example.com', undefined, /\/admin/);
    await page.getByRole('link', { name: 'Users' }).first().click();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(/\/admin\/users\/import/);

    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: csv([good[0], bad, good[1]]) });
    await page.getByTestId('import-check').click();
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    expect(await page.getByTestId('import-summary').textContent()).toContain('3 rows: 2 ready, 1 with errors');
    const badRow = preview.locator('tr[data-invalid="true"]');
    expect(await badRow.count()).toBe(1);
    expect(await badRow.getAttribute('data-line')).toBe('3');
    expect(await badRow.textContent()).toMatch(/email.*valid email/i);
    expect(await page.getByTestId('import-run').count()).toBe(0);
    await screenshot(page, 'journey-import-preview-desktop');
    // The rejected row downloads as a CSV with its error (the partial import itself is covered by the API test).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-download-rejected').click(),
    ]);
    const rejected = await readFile((await download.path())!, 'utf8');
    expect(rejected).toContain('email,full name,role,student number,courses,error');
    expect(rejected).toMatch(/not-an-email,Bad Row,student,.*email: is not a valid email address/);
    expect(await page.getByTestId('import-run-valid').textContent()).toContain('Import the 2 valid rows only');

    await page.getByTestId('import-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: csv(good) });
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-summary').getByText('2 rows: 2 ready, 0 with errors').waitFor();
    await page.getByTestId('import-run').click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('2 users imported');
    expect(await result.locator('tbody tr').count()).toBe(2);

    await page.getByRole('link', { name: 'Users' }).last().click();
    await page.getByLabel('Search users').fill(tag);
    await expect.poll(() => page.locator('[data-testid="users-table"] tbody tr').count(), { timeout: 10_000 }).toBe(2);
    await page.locator(`tr[data-email="ana.${tag}@example.com"]`).getByText('Temporary password').waitFor();
    await context.close();
  });
});
