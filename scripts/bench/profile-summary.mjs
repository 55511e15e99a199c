// Summarises a V8 .cpuprofile: self time by package (or app file) and the top functions.
//   node scripts/bench/profile-summary.mjs file.cpuprofile [topN]
// Used by `pnpm bench -- --profile`; importable (summarize(profile, topN) → text).
import { readFileSync } from 'node:fs';

/** Where a frame's code lives: a package name, an app path (dist/…), node:internal, or V8's own categories. */
function owner(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const app = url.match(/apps\/api\/dist\/(.*)$/);
  if (app) return `app: ${app[1].replace(/^modules\//, '')}`;
  if (url.startsWith('node:')) return 'node (core)';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

export function summarize(profile, topN = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const byOwner = new Map();
  const byFn = new Map();
  for (const [id, c] of counts) {
    const n = byId.get(id);
    const f = n.callFrame;
    const o = owner(f.url, f.functionName);
    byOwner.set(o, (byOwner.get(o) ?? 0) + c);
    const key = `${f.functionName || '(anonymous)'}  ${o}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + c);
    self.set(id, c);
  }
  // Inclusive: the share of samples with a frame of that owner anywhere on the stack (e.g. everything under TypeORM).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  for (const [id, c] of counts) {
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x).callFrame;
      seen.add(owner(f.url, f.functionName));
    }
    for (const o of seen) if (!o.startsWith('(')) inclusive.set(o, (inclusive.get(o) ?? 0) + c);
  }
  const idle = byOwner.get('(idle)') ?? 0;
  const busy = total - idle;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const fmt = (m) =>
    [...m]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([k, c]) => `  ${((100 * c) / busy).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return [
    `${seconds.toFixed(1)} s profiled, busy ${((100 * busy) / total).toFixed(0)} % of samples (the rest idle); shares of busy time:`,
    'self time by package / app file:',
    fmt(byOwner),
    'inclusive (a frame of it anywhere on the stack):',
    fmt(inclusive),
    'top functions (self time):',
    fmt(byFn),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/bench/profile-summary.mjs file.cpuprofile [topN]');
    process.exit(2);
  }
  console.log(summarize(JSON.parse(readFileSync(file, 'utf8')), Number(process.argv[3] ?? 15)));
}
