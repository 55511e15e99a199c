import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, seriousViolations, settle } from '../support/axe.js';
import { baseUrl, launchBrowser, newActor, screenshot, signIn } from '../support/browser.js';

/**
 * Admin Integrations: an API key made in the page works (scoped) until it is revoked in the page; a webhook made in
 * the page gets its secret shown once, and its test event reaches a local receiver signed with that secret
 * (Standard Webhooks) and shows as delivered in the page.
 */
describe('admin integrations', () => {
  let browser: Browser;
  let receiver: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => receiver?.close(ok));
  });

  const withKey = (token: string, path: string) =>
    fetch(`${baseUrl()}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('API key: create with a scope → token shown once → it reads, is refused outside its scope → revoke', async () => {
    const admin = await newActor(browser);
    await signIn(admin.page, 'admin@example.com', undefined, /\/admin/);
    await admin.page.getByRole('link', { name: 'Integrations' }).click();
    await admin.page.waitForURL(/\/admin\/integrations$/);
    await admin.page.getByTestId('new-key').click();
    const dialog = admin.page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('SIS nightly sync');
    await dialog.locator('[id="k-scope-attendance:read"]').check();
    await dialog.getByTestId('create-key').click();
    const shown = admin.page.getByTestId('new-token');
    await shown.waitFor();
    const token = await shown.getByRole('textbox').inputValue();
    expect(token).toMatch(/^spk_[A-Za-z0-9_-]{43,}$/);
    await screenshot(admin.page, 'integrations-api-key-token');
    await shown.getByRole('button', { name: 'Close' }).click();

    const ok = await withKey(token, '/api/attendance-records?limit=1');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-policy')).toContain('"api-key"');
    const refused = await withKey(token, '/api/users');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('auth/insufficient-scope');

    const row = admin.page.locator('tr[data-key="SIS nightly sync"]');
    await row.getByText('attendance:read').waitFor();
    await screenshot(admin.page, 'integrations-api-keys');
    const problems = describeViolations(await seriousViolations(admin.page));
    await row.getByRole('button', { name: 'Revoke SIS nightly sync' }).click();
    await admin.page.getByTestId('confirm-revoke').click();
    await row.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await withKey(token, '/api/attendance-records?limit=1')).status).toBe(401);
    expect(problems).toEqual([]);
    await admin.context.close();
  });

  it('webhook: create → secret shown once → test event arrives signed → shown as delivered', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/sysponto`;
    const admin = await newActor(browser);
    await signIn(admin.page, 'admin@example.com', undefined, /\/admin/);
    await admin.page.goto('/admin/integrations/webhooks');
    await admin.page.getByTestId('new-webhook').click();
    const dialog = admin.page.getByRole('dialog');
    await dialog.getByLabel('Address (URL)').fill(url);
    await dialog.getByLabel('Description').fill('Local receiver');
    await dialog.getByLabel('Attendance submitted').check();
    await dialog.getByLabel('Session closed').check();
    await dialog.getByTestId('save-webhook').click();
    const shown = admin.page.getByTestId('new-secret');
    await shown.waitFor();
    const secret = await shown.getByRole('textbox').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    await shown.getByRole('button', { name: 'Close' }).click();

    await admin.page.getByRole('button', { name: `Send test to ${url}` }).click();
    const deliveries = admin.page.getByTestId('deliveries');
    await deliveries.waitFor();
    // The worker sends it within a few seconds; the page shows it after a refresh.
    for (let i = 0; i < 30 && !received.length; i++) await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(JSON.parse(body)).toMatchObject({ type: 'webhook.test' });

    const row = deliveries.locator('tbody tr[data-delivery]').first();
    await expect
      .poll(
        async () => {
          await deliveries.getByRole('button', { name: 'Refresh' }).click();
          await settle(admin.page);
          return row.innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('Delivered');
    await row.getByRole('button', { name: 'Details' }).click();
    await deliveries.getByTestId('response').getByText('thanks').waitFor();
    await screenshot(admin.page, 'integrations-webhooks');
    expect(describeViolations(await seriousViolations(admin.page))).toEqual([]);
    await admin.context.close();
  });
});
