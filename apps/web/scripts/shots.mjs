// Screenshots of the main pages at phone and desktop sizes: node apps/web-e2e/shots.mjs [baseUrl] [filter]
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const BASE = process.argv[2] ?? 'http://localhost:3210';
const FILTER = process.argv[3] ?? '';
const OUT = new URL('../../web-e2e/output/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
export const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  ],
};
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } };
const PAGES = {
  student: [
    '/student',
    '/student/calendar',
    '/student/history',
    '/student/justifications',
    '/notifications',
    '/profile',
  ],
  teacher: ['/teacher', '/teacher/justifications', '/teacher/calendar'],
  admin: ['/admin', '/admin/users', '/admin/courses', '/admin/users/import'],
};

const browser = await chromium.launch(LAUNCH);
try {
  for (const [role, paths] of Object.entries(PAGES)) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.log(`[${role}/${size}] pageerror`, e.message));
      page.on('console', (m) => m.type() === 'error' && console.log(`[${role}/${size}] console`, m.text()));
      await page.goto(`${BASE}/login`);
      if (role === 'student' && size === 'phone' && (!FILTER || 'login'.includes(FILTER)))
        await page.screenshot({ path: `${OUT}login-${size}.png`, fullPage: true });
      await page.fill('#email', `${role}@example.com`);
      await page.fill('#password', 'sysponto-demo');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      const extra = [];
      if (role === 'teacher') {
        await page.waitForTimeout(800);
        const link = await page.$('a[href^="/teacher/sessions/"]');
        if (link) extra.push(await link.getAttribute('href'));
        const course = await page.$('a[href^="/teacher/courses/"]');
        if (course) {
          const href = await course.getAttribute('href');
          extra.push(href, `${href}/report`, `${href}?tab=students`, `${href}?tab=schedule`);
        }
      }
      for (const p of [...paths, ...extra]) {
        const name = `${role}-${size}${p.replace(/[/?=]/g, '_').replace(/_[0-9a-f-]{36}/g, '')}`;
        if (FILTER && !name.includes(FILTER)) continue;
        await page.goto(`${BASE}${p}`);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(700);
        await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
        console.log('shot', name);
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
