import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { inject } from 'vitest';
import { launchBrowser, newActor, screenshot, signIn } from '../support/browser.js';
import { waitForServiceWorker } from '../support/offline.js';

/**
 * Deploys "a new build" into the folder the API serves: a changed index.html and a service worker whose precache
 * list says so (what a real build changes), without the stale precompressed copies. Returns the undo: the journeys
 * that run after this one (same server, same folder) get the build they were started with.
 */
function deployNewBuild(dist: string, marker: string): () => void {
  const index = join(dist, 'index.html');
  const touched = ['index.html', 'sw.js'].flatMap((f) => ['', '.br', '.gz'].map((ext) => join(dist, f + ext)));
  const saved = new Map(touched.filter((f) => existsSync(f)).map((f) => [f, readFileSync(f)]));
  const restore = () => {
    for (const f of touched) {
      const was = saved.get(f);
      if (was) writeFileSync(f, was);
      else if (existsSync(f)) rmSync(f);
    }
  };
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace('</head>', `<meta name="sysponto-build" content="${marker}" /></head>`),
  );
  const sw = join(dist, 'sw.js');
  const before = readFileSync(sw, 'utf8');
  const after = before.replace(/("revision":")[0-9a-f]+(","url":"index\.html")/, `$1${marker}$2`);
  if (after === before) throw new Error('sw.js: the precache entry of index.html was not found');
  writeFileSync(sw, after);
  for (const f of [index, sw]) for (const ext of ['.br', '.gz']) if (existsSync(f + ext)) rmSync(f + ext);
  return restore;
}

describe('service worker update', () => {
  let browser: Browser;
  let undeploy: (() => void) | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    undeploy?.();
    await browser?.close();
  });

  it('detects a new build, offers it, and applies it on reload', async () => {
    const dist = inject('webDistDir');
    if (!dist) throw new Error('This journey deploys a new build: run it with the global setup (not E2E_BASE_URL).');
    const { context, page } = await newActor(browser);
    onTestFailed(async () => void (await screenshot(page, 'failed-sw-update').catch(() => 0)));
    await signIn(page, 'student@example.com', undefined, /\/student/);
    await waitForServiceWorker(page);
    const marker = `e2e${Date.now()}`;
    expect(await page.locator('meta[name="sysponto-build"]').count()).toBe(0);

    undeploy = deployNewBuild(dist, marker);
    // The next page load looks for a new worker: it installs and waits; the page offers the update.
    await page.reload();
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 60_000 });
    expect(await prompt.textContent()).toContain('A new version of SysPonto is available.');
    // Until the person accepts, the running version stays (the cached index.html has no marker).
    expect(await page.locator('meta[name="sysponto-build"]').count()).toBe(0);
    await screenshot(page, 'sw-update-prompt-desktop');

    await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload to update' }).click()]);
    await expect
      .poll(() => page.locator('meta[name="sysponto-build"]').getAttribute('content'), { timeout: 30_000 })
      .toBe(marker);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    await context.close();

    // Undeployed: what later journeys load is the build the run started with.
    undeploy();
    undeploy = undefined;
    const served = await fetch(new URL('/', inject('baseUrl')));
    expect(await served.text()).not.toContain(marker);
  });
});
