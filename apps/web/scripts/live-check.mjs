// Live flow in two browsers, with screenshots: teacher shows a code → student checks in on a phone → the roster
// updates without a reload → the teacher validates → the student's toast and badge. node apps/web/scripts/live-check.mjs [baseUrl]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const BASE = process.argv[2] ?? 'http://localhost:3210';
const OUT = new URL('../../web-e2e/output/', import.meta.url).pathname;
const browser = await chromium.launch({
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
});
async function signIn(ctx, email) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(email, 'pageerror', e.message));
  await page.goto(`${BASE}/login`);
  await page.fill('#email', email);
  await page.fill('#password', 'sysponto-demo');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}
try {
  const tctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const teacher = await signIn(tctx, 'teacher@example.com');
  await teacher.waitForSelector('a[href^="/teacher/sessions/"] .btn');
  await teacher.click('a[href^="/teacher/sessions/"]:has(.btn)');
  await teacher.waitForSelector('[data-testid=roster]');
  await teacher.waitForTimeout(800);
  if (!(await teacher.$('[data-testid=live-code]'))) {
    await teacher.click('#m-fix');
    await teacher.click('[data-testid=generate-code]');
  }
  const code = (await teacher.textContent('[data-testid=live-code]')).trim();
  console.log('code', code);
  await teacher.screenshot({ path: `${OUT}live-teacher-code.png`, fullPage: false });

  const sctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const student = await signIn(sctx, 'student@example.com');
  const before = Number((await student.textContent('[data-testid=unread-badge]').catch(() => '0')) || 0);
  await student.fill('#checkin-code', code.toLowerCase());
  await student.click('button:has-text("Check in")');
  await student.waitForSelector('[data-testid=checkin-result]');
  await student.screenshot({ path: `${OUT}live-student-checked-in.png` });

  const row = teacher.locator('[data-student="student@example.com"]');
  await row.locator('.badge:has-text("Pending")').waitFor({ timeout: 5000 });
  console.log('roster updated live (pending)');
  await teacher.screenshot({ path: `${OUT}live-teacher-roster-pending.png` });
  await row.locator('button:has-text("Validate")').click();
  await row.locator('.badge:has-text("Present"), .badge:has-text("Late")').waitFor({ timeout: 5000 });
  await student.waitForSelector('.toast', { timeout: 5000 });
  await student.waitForTimeout(500);
  const after = Number(await student.textContent('[data-testid=unread-badge]'));
  console.log('student toast shown; badge', before, '→', after);
  await student.screenshot({ path: `${OUT}live-student-validated.png` });

  const projector = await tctx.newPage();
  await projector.goto(teacher.url() + '/projector');
  await projector.waitForSelector('[data-testid=projector-code]');
  await projector.screenshot({ path: `${OUT}live-projector-desktop.png` });
  const p2 = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const proj = await p2.newPage();
  await proj.goto(`${BASE}/login`);
  await proj.fill('#email', 'teacher@example.com');
  await proj.fill('#password', 'sysponto-demo');
  await proj.click('button[type=submit]');
  await proj.waitForURL((u) => !u.pathname.startsWith('/login'));
  await proj.goto(teacher.url().replace(/\/$/, '') + '/projector');
  await proj.waitForSelector('[data-testid=projector-code]');
  await proj.waitForTimeout(500);
  await proj.screenshot({ path: `${OUT}live-projector-1080p.png` });
  // Rotating code: the shown code changes without a reload; its QR link checks a signed-out student in after sign-in.
  await teacher.bringToFront();
  await teacher.click('button:has-text("Stop code")');
  await teacher.click('#m-rot');
  await teacher.click('[data-testid=generate-code]');
  const first = (await teacher.textContent('[data-testid=live-code]')).trim();
  await teacher.waitForFunction(
    (c) => document.querySelector('[data-testid=live-code]')?.textContent?.trim() !== c,
    first,
    { timeout: 45000 },
  );
  const second = (await teacher.textContent('[data-testid=live-code]')).trim();
  console.log('rotating code', first, '→', second);
  await teacher.screenshot({ path: `${OUT}live-teacher-rotating.png` });
  const s2 = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await s2.goto(`${BASE}/check-in?code=${second}`);
  await s2.waitForURL((u) => u.pathname === '/login');
  await s2.screenshot({ path: `${OUT}live-qr-login-phone.png` });
  await s2.fill('#email', 'student2@example.com');
  await s2.fill('#password', 'sysponto-demo');
  await s2.click('button[type=submit]');
  await s2.waitForSelector('[data-testid=checkin-result], [data-testid=checkin-error]');
  console.log(
    'QR check-in after sign-in:',
    (await s2.textContent('[data-testid=checkin-result], [data-testid=checkin-error]')).trim().slice(0, 80),
  );
  await s2.screenshot({ path: `${OUT}live-qr-result-phone.png` });
  console.log('ok');
} finally {
  await browser.close();
}
