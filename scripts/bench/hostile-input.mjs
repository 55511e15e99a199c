#!/usr/bin/env node
// Figures, not a test: what hostile JSON costs the server (issue 11).
//   pnpm bench hostile-input      (or, with apps/api/dist built: node scripts/bench/hostile-input.mjs)
// 1. 100,000 `[` + 100,000 `]` POSTed to /api/auth/login: status, code and the round-trip time (median of ROUNDS).
// 2. /api/health round trips, quiet and while ATTACKERS clients (worker threads, so their client work does not
//    share the server's event loop) send that body in a loop: the medians and how many hostile bodies were answered.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

function post(url, path, body) {
  return new Promise((resolve, reject) => {
    const { port } = new URL(url);
    const t0 = performance.now();
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, ms: performance.now() - t0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

if (!isMainThread) {
  // An attacker: hostile bodies until told to stop, then report how many were answered (and with what).
  let stop = false;
  parentPort.on('message', () => (stop = true));
  let sent = 0;
  const statuses = new Set();
  while (!stop) {
    const r = await post(workerData.url, '/api/auth/login', DEEP);
    statuses.add(r.status);
    sent++;
  }
  parentPort.postMessage({ sent, statuses: [...statuses] });
} else {
  const { startApp, where } = await import('./lib/in-process-app.mjs');
  const ROUNDS = Number(process.env.ROUNDS ?? 21);
  const ATTACKERS = Number(process.env.ATTACKERS ?? 4);
  const app = await startApp();
  try {
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const health = async () => {
      const { port } = new URL(app.url);
      const t0 = performance.now();
      await new Promise((resolve, reject) =>
        request({ host: '127.0.0.1', port, path: '/api/health' }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end(),
      );
      return performance.now() - t0;
    };
    await post(app.url, '/api/auth/login', DEEP); // warm-up
    const deep = [];
    let first;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await post(app.url, '/api/auth/login', DEEP);
      first ??= r;
      deep.push(r.ms);
    }
    console.log(`where: ${where(app)}`);
    console.log(
      `100,000 [ on POST /api/auth/login: ${first.status} ${JSON.parse(first.body).code}, ` +
        `median ${med(deep).toFixed(1)} ms (min ${Math.min(...deep).toFixed(1)}, max ${Math.max(...deep).toFixed(1)}, ${ROUNDS} rounds)`,
    );
    for (let i = 0; i < 5; i++) await health();
    const quiet = [];
    for (let i = 0; i < ROUNDS * 2; i++) quiet.push(await health());
    const workers = Array.from(
      { length: ATTACKERS },
      () => new Worker(new URL(import.meta.url), { workerData: { url: app.url } }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const attacked = [];
    for (let i = 0; i < ROUNDS * 2; i++) attacked.push(await health());
    const results = await Promise.all(
      workers.map((w) => new Promise((resolve) => (w.once('message', resolve), w.postMessage('stop')))),
    );
    await Promise.all(workers.map((w) => w.terminate()));
    const sent = results.reduce((a, r) => a + r.sent, 0);
    const statuses = [...new Set(results.flatMap((r) => r.statuses))].join(', ');
    console.log(
      `/api/health median: ${med(quiet).toFixed(1)} ms quiet, ${med(attacked).toFixed(1)} ms with ${ATTACKERS} clients ` +
        `sending it (${sent} hostile bodies answered, status ${statuses})`,
    );
  } finally {
    await app.close();
  }
}
