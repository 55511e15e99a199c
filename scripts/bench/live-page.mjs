// Figures, not a test: the teacher's live page with a large class (issue 15: 1,000 enrolled students and 500
// check-ins arriving within 5 s; the page stays responsive, no long task over 100 ms). Boots the production API in
// this process (embedded database) serving the production web build, enrols LIVE_STUDENTS students in a course, opens
// a session, opens its live page in Chromium (desktop size, no throttling: a teacher's laptop) and sends
// LIVE_CHECKINS check-ins spread evenly over LIVE_SECONDS. A PerformanceObserver in the page records every long task
// (≥ 50 ms): printed for the first drawing of the roster and for the burst (count, over 100 ms, longest, total), with
// the time until the page showed every check-in.
//   pnpm bench live-page                 (builds the API and the web app first)
//   node scripts/bench/live-page.mjs     (after `pnpm --filter api build` and `pnpm --filter web build`)
// Knobs: LIVE_STUDENTS (1000), LIVE_CHECKINS (500), LIVE_SECONDS (5), CHROMIUM (/usr/bin/chromium),
// LIVE_WEB_DIST (apps/web/dist: another build of the web app to compare, e.g. one of main), LIVE_CPU_PROFILE (a
// file: the page's CPU profile during the burst, for Chromium's DevTools).
// Chromium, the API and its database share this machine's cores: the load average is printed beside the figures.
/* global window, document -- the functions given to page.evaluate and waitForFunction run in the page */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import puppeteer from 'puppeteer-core';
import { call, insertCourse, insertUsers, logIn, PASSWORD, ROOT, startApp } from './lib/in-process-app.mjs';

const STUDENTS = Number(process.env.LIVE_STUDENTS) || 1000;
const CHECKINS = Math.min(STUDENTS, Number(process.env.LIVE_CHECKINS) || 500);
const SECONDS = Number(process.env.LIVE_SECONDS) || 5;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WEB_DIST = resolve(process.env.LIVE_WEB_DIST ?? join(ROOT, 'apps/web/dist'));
const LONG_MS = 100;

if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST} is missing: pnpm --filter web build`);
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/install-system-deps.sh`);
const log = (...a) => console.error(`[bench:live-page ${new Date().toISOString().slice(11, 19)}]`, ...a);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Installed before the app's first script: every long task of the page, with the page's clock. */
function observeLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

const summary = (tasks) => ({
  longTasks: tasks.length,
  over100: tasks.filter((t) => t.ms > LONG_MS).length,
  maxMs: Math.round(Math.max(0, ...tasks.map((t) => t.ms))),
  totalMs: Math.round(tasks.reduce((s, t) => s + t.ms, 0)),
});

const load0 = load();
log(`starting the API (production build, embedded database) with ${WEB_DIST}`);
const app = await startApp({ WEB_DIST_DIR: WEB_DIST });
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  defaultViewport: { width: 1280, height: 900 },
});
let result;
try {
  log(`enrolling ${STUDENTS} students; signing in ${CHECKINS} of them`);
  const [teacher] = await insertUsers(app, 'teacher', 1, 'live-teacher');
  const students = await insertUsers(app, 'student', STUDENTS, 'live');
  const courseId = await insertCourse(app, {
    code: 'LIVE1K',
    teacherIds: [teacher.id],
    studentIds: students.map((s) => s.id),
  });
  const [{ id: sessionId }] = await app.query(
    `INSERT INTO class_sessions (course_id, starts_at, ends_at, state)
     VALUES ($1, now() - interval '5 minutes', now() + interval '85 minutes', 'scheduled') RETURNING id`,
    [courseId],
  );
  const [teacherToken] = await logIn(app, [teacher.email]);
  const { code } = (
    await call(app, 'POST', `/api/sessions/${sessionId}/codes`, { token: teacherToken, body: { mode: 'fixed' } })
  ).body;
  const tokens = await logIn(
    app,
    students.slice(0, CHECKINS).map((s) => s.email),
  );

  const page = await browser.newPage();
  await page.evaluateOnNewDocument(observeLongTasks);
  await page.goto(`${app.url}/login`, { waitUntil: 'networkidle0' });
  await page.type('#email', teacher.email);
  await page.type('#password', PASSWORD);
  await Promise.all([page.waitForFunction("location.pathname.startsWith('/teacher')"), page.keyboard.press('Enter')]);

  log(`opening the live page of a session with ${STUDENTS} enrolled`);
  const opened = performance.now();
  await page.goto(`${app.url}/teacher/sessions/${sessionId}`);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=roster] > li').length === n,
    {
      timeout: 120_000,
      polling: 50,
    },
    STUDENTS,
  );
  const drawnMs = performance.now() - opened;
  // The live room joined (the badge) and the page settled.
  await page.waitForSelector('.badge.text-bg-success .bi-broadcast', { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 1000));
  const openTasks = await page.evaluate(() => window.__longTasks.splice(0));

  log(`${CHECKINS} check-ins over ${SECONDS} s`);
  const pending = () =>
    page.evaluate(() => Number(document.querySelectorAll('[data-testid=roster-counts] strong')[1]?.textContent));
  const cdp = process.env.LIVE_CPU_PROFILE ? await page.createCDPSession() : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const sent = performance.now();
  const interval = (SECONDS * 1000) / CHECKINS;
  const statuses = await Promise.all(
    tokens.map((token, i) =>
      new Promise((ok) => setTimeout(ok, i * interval)).then(() =>
        fetch(`${app.url}/api/check-ins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ code }),
        }).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    ),
  );
  const answeredMs = performance.now() - sent;
  // A page that cannot keep up may never show them all: reported (null), not thrown.
  const allShown = await page
    .waitForFunction(
      (n) => Number(document.querySelectorAll('[data-testid=roster-counts] strong')[1]?.textContent) === n,
      { timeout: 120_000, polling: 20 },
      CHECKINS,
    )
    .then(
      () => true,
      () => false,
    );
  const shownMs = allShown ? performance.now() - sent : null;
  // The rows light up for 4 s after their check-in: their putting out is part of the burst's work.
  await new Promise((r) => setTimeout(r, 5000));
  const burstTasks = await page.evaluate(() => window.__longTasks.splice(0));
  if (cdp) writeFileSync(process.env.LIVE_CPU_PROFILE, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  const rows = await page.evaluate(() => document.querySelectorAll('[data-testid=roster] > li').length);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'bench-results', 'live-page.png') });

  result = {
    students: STUDENTS,
    checkIns: CHECKINS,
    seconds: SECONDS,
    created: statuses.filter((s) => s === 201).length,
    pendingShown: await pending(),
    rows,
    open: { drawnMs: Math.round(drawnMs), ...summary(openTasks) },
    burst: { answeredMs: Math.round(answeredMs), shownMs: shownMs && Math.round(shownMs), ...summary(burstTasks) },
    longestBurstTasks: burstTasks
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((t) => Math.round(t.ms)),
  };
} finally {
  await browser.close();
  await app.close();
}

console.log(
  `\nbench:live-page — ${STUDENTS} enrolled, ${CHECKINS} check-ins over ${SECONDS} s, ${CHROMIUM} (1280×900, no throttling), ${WEB_DIST.replace(`${ROOT}/`, '')}; load average ${load0} → ${load()}`,
);
console.table({
  'open the page (draw the roster)': {
    'time ms': result.open.drawnMs,
    'long tasks': result.open.longTasks,
    [`over ${LONG_MS} ms`]: result.open.over100,
    'longest ms': result.open.maxMs,
    'total ms': result.open.totalMs,
  },
  [`${CHECKINS} check-ins arrive`]: {
    'time ms': result.burst.shownMs ?? 'not all shown',
    'long tasks': result.burst.longTasks,
    [`over ${LONG_MS} ms`]: result.burst.over100,
    'longest ms': result.burst.maxMs,
    'total ms': result.burst.totalMs,
  },
});
console.log(
  `check-ins: ${result.created} × 201, answered in ${result.burst.answeredMs} ms; the page showed ${result.pendingShown} pending ${result.burst.shownMs === null ? 'after 120 s (not all)' : `${result.burst.shownMs} ms after the first was sent`}; ${result.rows} rows; longest burst tasks ${result.longestBurstTasks.join(', ') || '–'} ms`,
);
const file = join(ROOT, 'bench-results', `live-page-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ loadAverage: load0, webDist: WEB_DIST, ...result }, null, 2) + '\n');
console.log(`JSON: ${file}`);
if (result.created !== CHECKINS || result.pendingShown !== CHECKINS || result.rows !== STUDENTS) {
  console.error('bench:live-page: not every check-in was stored and shown, or rows are missing');
  process.exitCode = 1;
}
