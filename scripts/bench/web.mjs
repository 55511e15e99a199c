// Figures, not a test: Lighthouse 12 (mobile defaults: a mid-range phone, simulated slow 4G and 4× CPU slowdown) on
// the pages a student opens on a phone — the sign-in page, the student dashboard and the QR check-in link — served
// by the production build of the API (precompressed SPA) on the embedded database with the demo school. Prints the
// performance score, FCP, LCP, TBT and the compressed JS + CSS the page loaded (issue 15: ≥ 0.95, LCP ≤ 2.5 s,
// TBT ≤ 200 ms, the check-in path ≤ 150 KiB of JS + CSS).
//   pnpm bench:web                    (builds the API and the web app, then runs this)
//   node scripts/bench/web.mjs        (after `pnpm --filter api build` and `pnpm --filter web build`)
// CHROMIUM (default /usr/bin/chromium: Debian's), BENCH_WEB_RUNS (1: runs per page, the median is printed),
// BENCH_WEB_PAGES (a comma list of sign-in, dashboard, check-in: only those), BENCH_WEB_LHR=1 (also writes each run's
// full Lighthouse report and the page's trace, bench-results/web-{lhr,trace}-<page>-<run>.json, for the audits and
// tasks behind a figure), BENCH_WEB_DIST (apps/web/dist: another build of the web app, to compare).
// Each run starts cold: the browser's HTTP cache, Cache Storage and service worker are cleared before it; the signed-in
// pages keep only the refresh cookie and the app's "signed in" hint, as a returning student's phone would.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { call, ROOT, startApp } from './lib/in-process-app.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const RUNS = Math.max(1, Number(process.env.BENCH_WEB_RUNS ?? 1));
const WEB_DIST = resolve(process.env.BENCH_WEB_DIST ?? join(ROOT, 'apps/web/dist'));
const DEMO_PASSWORD = 'sysponto-demo';
const ONLY = process.env.BENCH_WEB_PAGES?.split(',').map((s) => s.trim());
const SAVE_LHR = process.env.BENCH_WEB_LHR === '1';
const TARGETS = { score: 0.95, lcpMs: 2500, tbtMs: 200, checkInKiB: 150 };

if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('apps/web/dist is missing: pnpm --filter web build');
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/install-system-deps.sh`);

const log = (...a) => console.error(`[bench:web ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** The lib's JSON call, answering the body. */
const api = async (app, method, path, opts) => (await call(app, method, path, opts)).body;
const login = async (app, email) =>
  (await api(app, 'POST', '/api/auth/login', { body: { email, password: DEMO_PASSWORD } })).accessToken;

/** A session open now in a course of teacher@example.com with student@example.com enrolled, and its fixed code. */
async function openSessionCode(app) {
  const admin = await login(app, 'admin@example.com');
  const teacher = await login(app, 'teacher@example.com');
  const student = await login(app, 'student@example.com');
  const [t, s] = [
    await api(app, 'GET', '/api/me', { token: teacher }),
    await api(app, 'GET', '/api/me', { token: student }),
  ];
  const course = await api(app, 'POST', '/api/courses', {
    token: admin,
    body: { code: 'LIGHT1', name: 'Lighthouse', timezone: 'Europe/Lisbon', teacherIds: [t.id] },
  });
  await api(app, 'POST', `/api/courses/${course.id}/enrollments`, { token: admin, body: { studentIds: [s.id] } });
  const session = await api(app, 'POST', `/api/courses/${course.id}/sessions`, {
    token: admin,
    body: {
      startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      endsAt: new Date(Date.now() + 85 * 60_000).toISOString(),
      title: 'Lighthouse',
    },
  });
  const code = await api(app, 'POST', `/api/sessions/${session.id}/codes`, { token: teacher, body: { mode: 'fixed' } });
  return code.code;
}

/** Empties what would make a run warm; cookies and localStorage stay. */
async function coldStart(page, origin) {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'cache_storage,service_workers' });
  await cdp.detach();
}

function summarise(lhr) {
  const a = lhr.audits;
  const items = a['network-requests']?.details?.items ?? [];
  const bytes = (type) =>
    items.filter((i) => i.resourceType === type).reduce((sum, i) => sum + (i.transferSize ?? 0), 0);
  return {
    score: lhr.categories.performance.score,
    fcpMs: Math.round(a['first-contentful-paint'].numericValue),
    lcpMs: Math.round(a['largest-contentful-paint'].numericValue),
    tbtMs: Math.round(a['total-blocking-time'].numericValue),
    cls: +a['cumulative-layout-shift'].numericValue.toFixed(3),
    jsKiB: +(bytes('Script') / 1024).toFixed(1),
    cssKiB: +(bytes('Stylesheet') / 1024).toFixed(1),
    totalKiB: +(a['total-byte-weight'].numericValue / 1024).toFixed(1),
    finalUrl: lhr.finalDisplayedUrl,
    // The biggest opportunities, for the next fix.
    top: Object.values(a)
      .filter((x) => x.details?.type === 'opportunity' && (x.numericValue ?? 0) > 100)
      .sort((x, y) => y.numericValue - x.numericValue)
      .slice(0, 3)
      .map((x) => `${x.id} ${Math.round(x.numericValue)} ms`),
  };
}

const load0 = loadavg().map((l) => l.toFixed(1));
log(`starting the API (production build, embedded database, demo school) with ${WEB_DIST}`);
const app = await startApp({ SEED_DEMO: 'true', WEB_DIST_DIR: WEB_DIST });
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  defaultViewport: null,
});
const results = [];
try {
  const code = await openSessionCode(app);
  const port = Number(new URL(browser.wsEndpoint()).port);
  const page = await browser.newPage();
  const origin = new URL(app.url).origin;

  const pages = [
    { key: 'sign-in', name: 'sign-in page', path: '/login', signedIn: false },
    { key: 'dashboard', name: 'student dashboard', path: '/student', signedIn: true },
    { key: 'check-in', name: 'QR check-in link', path: `/check-in?code=${code}`, signedIn: true },
  ].filter((p) => !ONLY || ONLY.includes(p.key));
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  for (const p of pages) {
    if (p.signedIn) {
      // Signed in through the page itself (refresh cookie + hint), then the run starts cold.
      await page.goto(`${app.url}/login`, { waitUntil: 'networkidle0' });
      if (!page.url().includes('/student')) {
        await page.type('#email', 'student@example.com');
        await page.type('#password', DEMO_PASSWORD);
        await Promise.all([
          page.waitForFunction("location.pathname.startsWith('/student')"),
          page.keyboard.press('Enter'),
        ]);
      }
    } else {
      const cdp = await page.createCDPSession();
      await cdp.send('Network.clearBrowserCookies');
      await cdp.detach();
      await page.goto(`${app.url}/login`);
      await page.evaluate(() => localStorage.clear());
    }
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      await coldStart(page, origin);
      const r = await lighthouse(
        `${app.url}${p.path}`,
        { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], disableStorageReset: true },
        undefined,
        page,
      );
      runs.push(summarise(r.lhr));
      if (SAVE_LHR) {
        writeFileSync(join(ROOT, 'bench-results', `web-lhr-${p.key}-${i + 1}.json`), JSON.stringify(r.lhr));
        // The page's trace (Chromium DevTools opens it): which tasks the long ones are.
        const trace = r.artifacts?.Trace;
        if (trace)
          writeFileSync(join(ROOT, 'bench-results', `web-trace-${p.key}-${i + 1}.json`), JSON.stringify(trace));
      }
      log(
        `${p.name} run ${i + 1}: score ${runs.at(-1).score}, LCP ${runs.at(-1).lcpMs} ms, TBT ${runs.at(-1).tbtMs} ms`,
      );
    }
    runs.sort((x, y) => x.score - y.score);
    results.push({ page: p.name, path: p.path.replace(/code=\w+/, 'code=…'), ...runs[Math.floor(runs.length / 2)] });
  }
} finally {
  await browser.close();
  await app.close();
}

const kib = (r) => +(r.jsKiB + r.cssKiB).toFixed(1);
console.log(
  `\nbench:web — Lighthouse 12, mobile defaults, ${CHROMIUM}, ${WEB_DIST.replace(`${ROOT}/`, '')}; median of ${RUNS} run(s); load average ${load0.join(' ')} → ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.table(
  results.map((r) => ({
    page: r.page,
    score: r.score,
    'FCP ms': r.fcpMs,
    'LCP ms': r.lcpMs,
    'TBT ms': r.tbtMs,
    CLS: r.cls,
    'JS+CSS KiB (compressed)': kib(r),
    'total KiB': r.totalKiB,
    'meets targets': r.score >= TARGETS.score && r.lcpMs <= TARGETS.lcpMs && r.tbtMs <= TARGETS.tbtMs ? 'yes' : 'no',
  })),
);
const checkIn = results.find((r) => r.page === 'QR check-in link');
if (checkIn)
  console.log(
    `check-in path: ${kib(checkIn)} KiB of compressed JS + CSS (JS ${checkIn.jsKiB}, CSS ${checkIn.cssKiB}; target ≤ ${TARGETS.checkInKiB})`,
  );
for (const r of results) if (r.top.length) console.log(`${r.page}: biggest opportunities ${r.top.join(', ')}`);
const file = join(ROOT, 'bench-results', `web-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ loadAverage: load0, webDist: WEB_DIST, runs: RUNS, results }, null, 2) + '\n');
console.log(`JSON: ${file}`);
