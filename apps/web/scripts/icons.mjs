// Renders the app icons (PNG) from the SVG mark with Debian's Chromium: `node apps/web/scripts/icons.mjs`.
// The PNGs are committed (public/icons); run this again only when the mark changes.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const OUT = resolve(import.meta.dirname, '../public/icons');
const CHECK = 'M9 16.5l4.5 4.5L23 11.5';
/** "any": the favicon's rounded square. */
const any = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0d6efd"/><path d="${CHECK}" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
/** "maskable": full bleed, the mark inside the central 60 % safe zone (launchers crop to a circle or squircle). */
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#0d6efd"/><g transform="translate(16 16) scale(0.62) translate(-16 -16)"><path d="${CHECK}" fill="none" stroke="#fff" stroke-width="3.4" stroke-linecap="round" stroke-linejoin="round"/></g></svg>`;

const icons = [
  ['icon-192.png', any, 192],
  ['icon-512.png', any, 512],
  ['maskable-512.png', maskable, 512],
  ['apple-touch-icon-180.png', maskable, 180],
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage();
for (const [name, svg, size] of icons) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  writeFileSync(resolve(OUT, name), await page.screenshot({ omitBackground: true, type: 'png' }));
  console.log(`${name} ${size}×${size}`);
}
await browser.close();
