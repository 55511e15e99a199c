import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const DEMO_PASSWORD = 'sysponto-demo';
export const OUTPUT_DIR = resolve(import.meta.dirname, '../../output');

/** The flags TOOLCHAIN.md found to work on this machine (no Google lookups, no GPU, no profile dir). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export const baseUrl = () => inject('baseUrl');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * A browser with a profile on disk (launchPersistentContext: its own folder, not the --user-data-dir flag), for what
 * Chromium refuses to incognito-like contexts, such as offering to install the app.
 */
export function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL: baseUrl(),
    locale: 'en-GB',
    viewport: DESKTOP,
  });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

/** A separate browser profile (cookies, storage) for one person, in English. */
export async function newActor(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport,
    locale: 'en-GB',
    timezoneId: 'Europe/Lisbon',
    reducedMotion: 'reduce',
  });
  // Generous: the machine is shared; a step that never happens still fails, just later.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  // E2E_CPU_THROTTLE=4: a slow phone (timing races show up without loading the whole machine).
  if (process.env.E2E_CPU_THROTTLE) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.E2E_CPU_THROTTLE) });
  }
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (process.env.E2E_BROWSER_LOG) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
  return { context, page };
}

/** Signs in through the login form and waits for the role's home page. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, home?: RegExp): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(home ?? /\/(student|teacher|admin)(\/|$)/);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, `${name}.png`);
  // From the top, so the sticky navbar is drawn where it belongs in a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
