// Sums the test totals printed by jest ("Tests: 1 failed, 2 skipped, 40 passed, 43 total") and vitest
// ("Tests  12 passed | 1 failed (13)") in the given log files, and prints them as JSON: {passed, failed, skipped}.
import { readFileSync } from 'node:fs';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const strip = (s) => s.replace(ANSI, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of process.argv.slice(2)) {
  let text;
  try {
    text = strip(readFileSync(file, 'utf8'));
  } catch {
    continue;
  }
  for (const line of text.split('\n')) {
    // Nx may prefix lines with the project name ("api: Tests: …").
    const jest = line.match(/^(?:[\w@/.-]+:)?\s*Tests:\s+(.*)\s+(\d+) total/);
    const vitest = line.match(/^(?:[\w@/.-]+:)?\s*Tests\s+(.*)\(\d+\)\s*$/);
    const body = jest?.[1] ?? vitest?.[1];
    if (!body) continue;
    for (const [, n, kind] of body.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind === 'passed') totals.passed += Number(n);
      else if (kind === 'failed') totals.failed += Number(n);
      else totals.skipped += Number(n);
    }
  }
}
console.log(JSON.stringify(totals));
