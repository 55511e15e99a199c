import { createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiKeysConfig, apiKeysSection } from './api-keys.config.js';
import { type Env, EnvReader } from './settings.js';
import { type WebhooksConfig, webhooksSection } from './webhooks.config.js';

/**
 * The configuration tree, built from the environment once at boot (`loadConfig`) and injected with `APP_CONFIG`.
 * Core settings sit at the top level; each feature reads its own section (`config.attendance`, `config.mail`, …).
 * Every environment variable is declared in settings.ts (name, default, bounds, description). Nothing outside this
 * folder reads `process.env`.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  /** Directory for PGlite data and uploads; `:memory:` keeps PGlite in memory (tests). */
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  redisUrl: string | null;
  jwtKey: KeyObject;
  accessTokenTtlSeconds: number;
  /** How often each process re-reads recent token revocations (a safety net behind the pub/sub relay). */
  revocationPollSeconds: number;
  refreshTokenTtlDays: number;
  corsOrigins: string[];
  seedDemo: boolean;
  trustProxy: boolean | number | string;
  logLevel: string;
  webDistDir: string;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowSeconds: number;
  passwordReset: { ttlMinutes: number; maxPerAccount: number; maxPerIp: number; windowSeconds: number };
  /** Absolute links (QR check-in, calendar feeds, mails), without a trailing slash. */
  publicUrl: string;
  attendance: AttendanceConfig;
  justifications: JustificationsConfig;
  mail: MailConfig;
  reports: ReportsConfig;
  webhooks: WebhooksConfig;
  /** API keys (config/api-keys.config.ts). */
  apiKeys: ApiKeysConfig;
}

export interface AttendanceConfig {
  /** Auto-close scheduler period; 0 turns it off (default 60 s, off when NODE_ENV=test). */
  autoCloseIntervalSeconds: number;
  /**
   * The key of the per-session device hashes (docs/privacy.md): DEVICE_HASH_SECRET, or HKDF-SHA256 of JWT_SECRET with
   * the label `sysponto/device-hash/v1` (never the token-signing key itself).
   */
  deviceHashKey: KeyObject;
  /** Per-session device hashes (docs/privacy.md) are deleted this many days after their session ends (1–30). */
  deviceHashRetentionDays: number;
  /** How often each replica runs the privacy purge (device hashes, stale room locations); 0 turns it off. */
  privacyPurgeIntervalSeconds: number;
  /** Wrong codes a student may send per window before 429. */
  maxWrongAttempts: number;
  wrongAttemptWindowSeconds: number;
  /** Wrong codes per session per minute that make the session's code rotate (and tell the teachers). */
  sessionFailureBudget: number;
  /** Micro-batching of concurrent check-ins (modules/attendance/check-in-batcher.ts). */
  checkInBatch: { maxSize: number; inFlight: number; windowMs: number };
}

export interface JustificationsConfig {
  /** Absences and late arrivals may be justified until this many days after the session ends. */
  windowDays: number;
  /** Largest document accepted, in bytes (fixed, not a setting). */
  maxDocumentBytes: number;
}

export interface MailConfig {
  /** False without SMTP_URL: nothing is queued or sent. */
  enabled: boolean;
  smtpUrl: string | null;
  from: string;
  /** How often the worker looks for due mail. */
  pollIntervalMs: number;
  /** First retry delay; doubles on every failed attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many failed attempts a mail is marked failed and left in the outbox. */
  maxAttempts: number;
  /** How often the attendance warnings and the daily digest are checked. */
  alertsIntervalMs: number;
  /** The daily digest goes out from this hour (UTC) on. */
  digestHourUtc: number;
}

export interface ReportsConfig {
  /**
   * Students under this attendance rate are "at risk" (reports) and get a warning mail (at most once per course per
   * ISO week). 0..100; 0 never warns.
   */
  warningPercent: number;
  /** The same as a fraction (0..1), as the report queries compare rates. */
  warningThreshold: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

export interface LoadConfigOptions {
  /**
   * False for jobs that sign no tokens (the migration job): a production environment without JWT_SECRET is fine
   * there, the key is never used.
   */
  signsTokens?: boolean;
}

const DEV_JWT_SECRET = 'sysponto-dev-secret-not-for-production-use-0000';
const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'jwt-secret', DEV_JWT_SECRET]);
const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The built SPA, whether started from the repository root or from apps/api. */
function defaultWebDist(): string {
  const candidates = [resolve('apps/web/dist'), resolve('../web/dist')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/** Validates the whole environment; throws one ConfigError listing every bad variable (names, never values). */
export function loadConfig(env: Env = process.env, opts: LoadConfigOptions = {}): AppConfig {
  const r = new EnvReader(env);
  const nodeEnvRaw = r.string('NODE_ENV')!;
  if (!['development', 'production', 'test'].includes(nodeEnvRaw))
    r.fail('NODE_ENV must be development, production or test');
  const nodeEnv = nodeEnvRaw as AppConfig['nodeEnv'];
  const isProduction = nodeEnv === 'production';

  const databaseUrl = r.string('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) r.fail('DATABASE_URL must be a postgres:// URL');
  const redisUrl = r.string('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) r.fail('REDIS_URL must be a redis:// URL');

  let secret = env.JWT_SECRET ?? '';
  if (opts.signsTokens === false && !secret) secret = randomBytes(32).toString('hex');
  if (isProduction) {
    if (!databaseUrl) r.fail('DATABASE_URL is required in production (the embedded database is for one machine only)');
    if (secret.length < 32 || WEAK_SECRETS.has(secret))
      r.fail('JWT_SECRET must be set to a random string of at least 32 characters in production');
  } else if (!secret) {
    secret = DEV_JWT_SECRET;
  } else if (secret.length < 16) {
    r.fail('JWT_SECRET must be at least 16 characters');
  }

  const port = r.int('PORT');
  const publicUrl = (r.string('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/$/, '');
  const corsOrigins = (r.string('CORS_ORIGINS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (corsOrigins.length === 0)
    corsOrigins.push(publicUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`, 'http://localhost:5173');

  const trustProxyRaw = r.string('TRUST_PROXY')!;
  // false | true (trust every hop) | a hop count (e.g. 1 behind one nginx) | a list of proxy addresses/CIDRs.
  const trustProxy: boolean | number | string = /^(0|false)$/i.test(trustProxyRaw)
    ? false
    : /^true$/i.test(trustProxyRaw)
      ? true
      : /^\d{1,2}$/.test(trustProxyRaw)
        ? Number(trustProxyRaw)
        : trustProxyRaw;

  const logLevel = r.raw('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) r.fail('LOG_LEVEL must be a pino level');
  const dataDir = env.DATA_DIR === ':memory:' ? ':memory:' : resolve(r.string('DATA_DIR')!);

  const jwtSecret = Buffer.from(secret || DEV_JWT_SECRET, 'utf8');
  const config: AppConfig = {
    nodeEnv,
    isProduction,
    host: r.string('HOST')!,
    port,
    dataDir,
    databaseUrl,
    databasePoolSize: r.int('DATABASE_POOL_SIZE'),
    redisUrl,
    jwtKey: createSecretKey(jwtSecret),
    accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS'),
    revocationPollSeconds: r.int('REVOCATION_POLL_SECONDS'),
    refreshTokenTtlDays: r.int('REFRESH_TOKEN_TTL_DAYS'),
    corsOrigins,
    seedDemo: r.bool('SEED_DEMO', !isProduction) && !isProduction,
    trustProxy,
    logLevel,
    webDistDir: resolve(r.string('WEB_DIST_DIR') ?? defaultWebDist()),
    loginMaxFailuresPerAccount: r.int('LOGIN_MAX_FAILURES_PER_ACCOUNT'),
    loginMaxFailuresPerIp: r.int('LOGIN_MAX_FAILURES_PER_IP'),
    loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS'),
    passwordReset: {
      ttlMinutes: r.int('PASSWORD_RESET_TTL_MINUTES'),
      maxPerAccount: r.int('PASSWORD_RESET_MAX_PER_ACCOUNT'),
      maxPerIp: r.int('PASSWORD_RESET_MAX_PER_IP'),
      windowSeconds: r.int('PASSWORD_RESET_WINDOW_SECONDS'),
    },
    publicUrl,
    attendance: attendanceSection(r, nodeEnv, jwtSecret),
    justifications: { windowDays: r.int('JUSTIFICATION_WINDOW_DAYS'), maxDocumentBytes: MAX_DOCUMENT_BYTES },
    mail: mailSection(r, publicUrl),
    reports: reportsSection(r),
    webhooks: webhooksSection(r),
    apiKeys: apiKeysSection(r),
  };
  if (r.errors.length) throw new ConfigError(`Invalid configuration:\n  - ${r.errors.join('\n  - ')}`);
  return config;
}

/** The device-hash key's label: a key of its own, derived from JWT_SECRET unless DEVICE_HASH_SECRET is set. */
export const DEVICE_HASH_KEY_LABEL = 'sysponto/device-hash/v1';

function attendanceSection(r: EnvReader, nodeEnv: AppConfig['nodeEnv'], jwtSecret: Buffer): AttendanceConfig {
  const own = r.string('DEVICE_HASH_SECRET');
  if (own !== null && own.length < 32) r.fail('DEVICE_HASH_SECRET must be at least 32 characters');
  const deviceHashKey = createSecretKey(
    own
      ? Buffer.from(own, 'utf8')
      : Buffer.from(hkdfSync('sha256', jwtSecret, Buffer.alloc(0), DEVICE_HASH_KEY_LABEL, 32)),
  );
  return {
    deviceHashKey,
    autoCloseIntervalSeconds: r.int('AUTO_CLOSE_INTERVAL_SECONDS', nodeEnv === 'test' ? 0 : undefined),
    // The rotating interval and grace are per course (policy rotatingIntervalSeconds / rotatingGraceSeconds).
    deviceHashRetentionDays: r.int('DEVICE_HASH_RETENTION_DAYS'),
    privacyPurgeIntervalSeconds: r.int('PRIVACY_PURGE_INTERVAL_SECONDS', nodeEnv === 'test' ? 0 : undefined),
    maxWrongAttempts: r.int('CHECKIN_MAX_WRONG_ATTEMPTS'),
    wrongAttemptWindowSeconds: r.int('CHECKIN_WRONG_ATTEMPT_WINDOW_SECONDS'),
    sessionFailureBudget: r.int('CHECKIN_SESSION_FAILURE_BUDGET'),
    checkInBatch: {
      maxSize: r.int('CHECKIN_BATCH_MAX_SIZE'),
      inFlight: r.int('CHECKIN_BATCH_IN_FLIGHT'),
      windowMs: r.int('CHECKIN_BATCH_WINDOW_MS'),
    },
  };
}

function mailSection(r: EnvReader, publicUrl: string): MailConfig {
  const smtpUrl = r.string('SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) r.fail('SMTP_URL must be an smtp:// or smtps:// URL');
  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // keep localhost
  }
  const from = r.string('MAIL_FROM') ?? `SysPonto <no-reply@${host}>`;
  if (!/@/.test(from) || from.length > 254 || /[\r\n]/.test(from))
    r.fail('MAIL_FROM must be an email address, optionally with a display name');
  return {
    enabled: !!smtpUrl,
    smtpUrl,
    from,
    pollIntervalMs: r.int('MAIL_POLL_INTERVAL_MS'),
    retryBaseMs: r.int('MAIL_RETRY_BASE_MS'),
    retryMaxMs: r.int('MAIL_RETRY_MAX_MS'),
    maxAttempts: r.int('MAIL_MAX_ATTEMPTS'),
    alertsIntervalMs: r.int('MAIL_ALERTS_INTERVAL_MS'),
    digestHourUtc: r.int('MAIL_DIGEST_HOUR_UTC'),
  };
}

function reportsSection(r: EnvReader): ReportsConfig {
  const warningPercent = r.int('ATTENDANCE_WARNING_PERCENT');
  return { warningPercent, warningThreshold: warningPercent / 100 };
}
