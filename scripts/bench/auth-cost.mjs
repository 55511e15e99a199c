#!/usr/bin/env node
// The per-request cost of authentication, and what the revocation check adds to it.
//   pnpm bench auth-cost      (or, with apps/api/dist built: node scripts/bench/auth-cost.mjs)
// Measures, in one process, on the built API classes (no HTTP, no database):
//   verify      the JWT verification alone (jsonwebtoken 9, HS256, KeyObject) — what the guard did before
//   resolve     AccessTokenService.resolve of a token seen for the first time: verify + claim checks (exp, lifetime,
//               iss, aud, ver, sid) + revocation check
//   remembered  resolve of a token already verified (every request after a client's first with that token): the
//               memo lookup + revocation check
//   isRevoked   the revocation check alone (two Map lookups), with REVOKED users and sign-ins revoked in the maps
// and prints the median ns/op of ROUNDS interleaved rounds of N operations each.
import { randomUUID, createSecretKey } from 'node:crypto';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const API = resolve(import.meta.dirname, '../../apps/api');
createRequire(`${API}/package.json`)('reflect-metadata');
const load = (p) => import(pathToFileURL(`${API}/dist/${p}`).href);
const { JwtService } = await import(pathToFileURL(createRequire(`${API}/package.json`).resolve('@nestjs/jwt')).href);
const { AccessTokenService, JWT_AUDIENCE, JWT_ISSUER } = await load('modules/auth/access-tokens.service.js');
const { RevocationService } = await load('modules/auth/revocation.service.js');
const { CredentialResolvers } = await load('common/credentials.js');

const N = Number(process.env.N ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 21);
const REVOKED = Number(process.env.REVOKED ?? 10_000);

const key = createSecretKey(Buffer.from('bench-secret-bench-secret-bench-secret', 'utf8'));
const config = { accessTokenTtlSeconds: 900, revocationPollSeconds: 5 };
const jwt = new JwtService({
  secret: key,
  signOptions: { algorithm: 'HS256', expiresIn: 900, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
  verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
});
const revocations = new RevocationService(config, null, null);
const tokens = new AccessTokenService(jwt, config, revocations, new CredentialResolvers());

// A realistic revocation list: REVOKED users and REVOKED sign-ins revoked within the token lifetime.
const until = Date.now() + 900_000;
for (let i = 0; i < REVOKED; i++) {
  revocations.announce({ type: 'user-revoked', userId: randomUUID(), minVersion: 2, expiresAt: until });
  revocations.announce({ type: 'session-revoked', userId: randomUUID(), sessionId: randomUUID(), expiresAt: until });
}
const user = { id: randomUUID(), role: 'student', mustChangePassword: false, tokenVersion: 1 };
const sid = randomUUID();
const token = tokens.sign(user, sid);
if (tokens.resolve(token).id !== user.id) throw new Error('resolve failed');

// Rounds of the three measurements alternate (A B C A B C …) so that noise from other work on the machine falls on
// all of them alike; the medians are reported, and the added cost is the median of per-round differences.
function time(fn) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn();
  return ((performance.now() - t0) * 1e6) / N;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const emptyRevocations = new RevocationService(config, null, null);
// The same resolve with the JWT verification replaced by the already-verified payload: exactly what the claim checks,
// the revocation lookup and building the request's user add on top of the verify.
const payload = jwt.verify(token);
const afterVerify = new AccessTokenService({ verify: () => payload }, config, revocations, new CredentialResolvers());
// "First sight": cycling through more distinct tokens (other sign-ins of the same user) than the memo of verified
// tokens holds (10,000, then cleared), so every call verifies, as a client's first request with a new token does.
const distinct = Array.from({ length: Math.max(N, 30_000) }, () => tokens.sign(user, randomUUID()));
const fresh = (service) => {
  let i = 0;
  return () => service.resolve(distinct[i++ % distinct.length]);
};
const cases = {
  'verify (JWT only: what the guard did before)': () => jwt.verify(token),
  'resolve (verify + claims + revocation)': fresh(tokens),
  [`isRevoked, ${REVOKED} + ${REVOKED} entries`]: () => revocations.isRevoked(user.id, 1, sid),
  'resolve minus verify (claims + revocation + user)': fresh(afterVerify),
  'isRevoked, empty maps': () => emptyRevocations.isRevoked(user.id, 1, sid),
  'resolve, remembered token (memo + revocation)': () => tokens.resolve(token),
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const added = [];
for (let r = 0; r < ROUNDS; r++) {
  const round = {};
  for (const [name, fn] of Object.entries(cases)) samples[name].push((round[name] = time(fn)));
  added.push(round['resolve (verify + claims + revocation)'] - round['verify (JWT only: what the guard did before)']);
}
const rows = Object.entries(samples).map(([name, xs]) => ({
  name,
  'median ns/op': +median(xs).toFixed(1),
  'min ns/op': +Math.min(...xs).toFixed(1),
  'ops/s (median)': Math.round(1e9 / median(xs)),
}));
console.log(
  `node ${process.version}, N=${N} per round, ${ROUNDS} interleaved rounds, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.table(rows);
console.log(
  `added per request on top of the JWT verify: ${rows[3]['median ns/op']} ns (claims + revocation + user), of ` +
    `which the revocation lookup is ${rows[2]['median ns/op']} ns; resolve − verify measured end to end: median ` +
    `${median(added).toFixed(0)} ns, per-round ${Math.min(...added).toFixed(0)}…${Math.max(...added).toFixed(0)} ns (noise); ` +
    `a remembered token costs ${rows[5]['median ns/op']} ns in all`,
);
