import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { courseWithPolicy } from '../support/api.js';
import { DESKTOP, launchBrowser, newActor, PHONE, screenshot, signIn } from '../support/browser.js';

/**
 * Issue 16 in the browser: the teacher sets the room's location from their device; one phone checks in two students
 * (the second check-in flags both rows "Shared device", the first one retroactively, live); a student far away is
 * flagged "Outside the room"; the teacher clears a flag after review. Every flag shows its explanation.
 */
describe('integrity flags on the live roster', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shared phone and out-of-room check-ins are flagged live, explained, and can be cleared', async () => {
    const [ana, bruno, carla] = ['student2@example.com', 'student3@example.com', 'student4@example.com'];
    const session = await courseWithPolicy(
      'teacher@example.com',
      [ana, bruno, carla],
      { location: { mode: 'flag', radiusMeters: 80 } },
      'Integrity journey',
    );
    const room = { latitude: 38.7369, longitude: -9.1427, accuracy: 10 };
    const teacher = await newActor(browser, DESKTOP);
    const phone = await newActor(browser, PHONE);
    const farPhone = await newActor(browser, PHONE);
    onTestFailed(async () => {
      await screenshot(teacher.page, 'failed-integrity-teacher').catch(() => undefined);
      await screenshot(phone.page, 'failed-integrity-phone').catch(() => undefined);
      await screenshot(farPhone.page, 'failed-integrity-far-phone').catch(() => undefined);
    });
    await teacher.context.grantPermissions(['geolocation']);
    await teacher.context.setGeolocation(room);
    await phone.context.grantPermissions(['geolocation']);
    await phone.context.setGeolocation({ ...room, latitude: room.latitude + 0.0002, accuracy: 20 }); // ~22 m away
    await farPhone.context.grantPermissions(['geolocation']);
    await farPhone.context.setGeolocation({ ...room, latitude: room.latitude + 0.02, accuracy: 20 }); // ~2.2 km away

    // The teacher, in the room, sets its location and shows a code.
    await signIn(teacher.page, 'teacher@example.com', undefined, /\/teacher/);
    await teacher.page.goto(`/teacher/sessions/${session.id}`);
    await teacher.page.getByTestId('set-room-location').click();
    await teacher.page.getByTestId('room-location-set').waitFor();
    await teacher.page.getByLabel(/Fixed code/).check();
    await teacher.page.getByTestId('generate-code').click();
    const code = (await teacher.page.getByTestId('live-code').textContent())!.trim();
    const row = (email: string) => teacher.page.locator(`[data-testid="roster"] li[data-student="${email}"]`);

    // Ana checks in on her phone; the page explains why it asks for the location.
    await signIn(phone.page, ana, undefined, /\/student/);
    await phone.page.getByTestId('location-why').waitFor();
    await phone.page.getByLabel('Attendance code').fill(code);
    await phone.page.getByRole('button', { name: 'Check in', exact: true }).click();
    await phone.page.getByTestId('checkin-result').waitFor();
    await row(ana).getByText('Pending').waitFor();
    expect(await row(ana).locator('[data-testid="roster-flag"]').count()).toBe(0);

    // Bruno signs in on Ana's phone and checks in too: both rows are flagged, without a reload.
    await phone.context.clearCookies();
    await signIn(phone.page, bruno, undefined, /\/student/);
    await phone.page.getByLabel('Attendance code').fill(code);
    await phone.page.getByRole('button', { name: 'Check in', exact: true }).click();
    await phone.page.getByTestId('checkin-result').waitFor();
    for (const email of [ana, bruno]) {
      const flag = row(email).locator('[data-flag="shared-device"]');
      await flag.waitFor();
      expect(await flag.textContent()).toContain('also checked in another student of this session');
    }

    // Carla checks in from 2 km away: accepted, flagged "Outside the room".
    await signIn(farPhone.page, carla, undefined, /\/student/);
    await farPhone.page.getByTestId('location-why').waitFor();
    await farPhone.page.getByLabel('Attendance code').fill(code);
    await farPhone.page.getByRole('button', { name: 'Check in', exact: true }).click();
    // The result, or what the student sees instead (an error, or the check-in queued): a failure then says which.
    const outcome = farPhone.page
      .locator('[data-testid="checkin-result"], [data-testid="checkin-error"], [data-testid="checkin-queued"]')
      .first();
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-testid'), (await outcome.textContent()) ?? '').toBe('checkin-result');
    const far = row(carla).locator('[data-flag="location-out-of-range"]');
    await far.waitFor();
    expect(await far.textContent()).toContain('Outside the room');
    expect(await row(carla).locator('[data-flag="shared-device"]').count()).toBe(0);
    await screenshot(teacher.page, 'integrity-flags-live-roster');

    // After talking to Ana, the teacher clears her flag; Bruno's stays.
    await row(ana)
      .getByRole('button', { name: /^Clear “Shared device” for / })
      .click();
    await expect.poll(() => row(ana).locator('[data-testid="roster-flag"]').count()).toBe(0);
    expect(await row(bruno).locator('[data-flag="shared-device"]').count()).toBe(1);
  });
});
