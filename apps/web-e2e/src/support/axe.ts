import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly blocks an injected <script>.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) in the page; returns serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation, for a readable assertion message. */
export function describeViolations(vs: AxeViolation[]): string[] {
  return vs.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help} — ${v.nodes
        .slice(0, 4)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

/** Waits until the page has loaded its data: no request in flight for a moment and no loading spinner left. */
export async function settle(page: Page): Promise<void> {
  // Socket.IO may keep a long-poll open, so the network is never idle on some pages: that alone is not a failure.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  // A page still loading after 15 s, or one showing an error banner, fails the check (instead of being screenshot).
  await page.waitForFunction(() => !document.querySelector('main [role="status"] .spinner-border'), null, {
    timeout: 15_000,
  });
  const errors = await page.locator('main .alert-danger[role="alert"]').allInnerTexts();
  if (errors.length) throw new Error(`${page.url()} shows an error: ${errors.join(' | ')}`);
  // Charts and transitions finish drawing.
  await page.waitForTimeout(400);
}
