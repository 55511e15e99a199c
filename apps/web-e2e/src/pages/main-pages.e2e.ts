import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionFor } from '../support/api.js';
import { describeViolations, seriousViolations, settle } from '../support/axe.js';
import { DESKTOP, launchBrowser, newActor, PHONE, screenshot, signIn } from '../support/browser.js';

/**
 * Every main page of SPEC §7, as each role sees it: axe-core finds no serious or critical violation at phone and
 * desktop sizes, and a full-page screenshot of each size lands in output/ (looked at by a person).
 */
let browser: Browser;
let ids: { sessionId: string; courseId: string };

beforeAll(async () => {
  browser = await launchBrowser();
  const s = await openSessionFor('teacher@example.com', 'student@example.com');
  ids = { sessionId: s.id, courseId: s.courseId };
});
afterAll(async () => {
  await browser?.close();
});

/** Every page shows its title (PageHeader's h1) once it has rendered; pages with data wait for that too. */
const titled = (page: Page) => page.locator('[data-page-title]').first().waitFor();

async function check(page: Page, path: string, name: string, ready: (page: Page) => Promise<unknown> = titled) {
  const problems: string[] = [];
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.goto(path);
    await ready(page);
    await settle(page);
    await screenshot(page, `${name}-${size}`);
    // Nothing may stick out sideways on a phone (a horizontal scrollbar is the most common layout bug).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) problems.push(`${size}: the page is ${overflow}px wider than the viewport`);
    problems.push(...describeViolations(await seriousViolations(page)).map((p) => `${size}: ${p}`));
  }
  expect(problems).toEqual([]);
}

function asRole(
  email: string,
  home: RegExp,
  pages: [string, string | (() => string), ((page: Page) => Promise<unknown>)?][],
) {
  describe(email, () => {
    let actor: { context: BrowserContext; page: Page };
    beforeAll(async () => {
      actor = await newActor(browser);
      await signIn(actor.page, email, undefined, home);
    });
    afterAll(async () => {
      await actor?.context.close();
    });
    for (const [name, path, ready] of pages) {
      it(`${name} is accessible on phone and desktop`, async () => {
        await check(actor.page, typeof path === 'function' ? path() : path, name, ready);
      });
    }
  });
}

describe('signed out', () => {
  it('login is accessible on phone and desktop', async () => {
    const { context, page } = await newActor(browser);
    await check(page, '/login', 'login', (p) => p.getByLabel('Email').waitFor());
    await context.close();
  });
});

asRole('student@example.com', /\/student/, [
  ['student-dashboard', '/student', (p) => p.getByLabel('Attendance code').waitFor()],
  ['student-calendar', '/student/calendar', (p) => p.locator('.fc').waitFor()],
  ['student-history', '/student/history'],
  ['student-justifications', '/student/justifications', (p) => p.getByTestId('justify-form').waitFor()],
  ['student-rates', '/student/rates', (p) => p.getByTestId('my-rate').waitFor()],
  ['notifications', '/notifications'],
  ['profile', '/profile'],
]);

asRole('teacher@example.com', /\/teacher/, [
  ['teacher-dashboard', '/teacher'],
  ['live-session', () => `/teacher/sessions/${ids.sessionId}`, (p) => p.getByTestId('roster').waitFor()],
  ['projector', () => `/teacher/sessions/${ids.sessionId}/projector`],
  ['course', () => `/teacher/courses/${ids.courseId}`],
  ['course-report', () => `/teacher/courses/${ids.courseId}/report`],
  ['teacher-justifications', '/teacher/justifications'],
  ['teacher-calendar', '/teacher/calendar', (p) => p.locator('.fc').waitFor()],
]);

asRole('admin@example.com', /\/admin/, [
  ['admin-overview', '/admin'],
  ['admin-users', '/admin/users', (p) => p.getByTestId('users-table').waitFor()],
  ['admin-import', '/admin/users/import'],
  ['admin-courses', '/admin/courses'],
  ['admin-justifications', '/admin/justifications'],
  ['admin-audit', '/admin/audit', (p) => p.getByTestId('audit-table').or(p.getByText('No events match')).waitFor()],
]);
