import { createSecretKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Typed, validated configuration read once from the environment. Errors name variables, never values. */
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
  refreshTokenTtlDays: number;
  corsOrigins: string[];
  seedDemo: boolean;
  trustProxy: boolean | number | string;
  logLevel: string;
  webDistDir: string;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowSeconds: number;
  publicUrl: string;
}

const DEV_JWT_SECRET = 'sysponto-dev-secret-not-for-production-use-0000';
const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'jwt-secret', DEV_JWT_SECRET]);

export class ConfigError extends Error {}

/** The built SPA, whether started from the repository root or from apps/api. */
function defaultWebDist(): string {
  const candidates = [resolve('apps/web/dist'), resolve('../web/dist')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/** Reads a bounded integer setting; a bad value adds an error naming the variable (never the value). */
export function envInt(
  env: NodeJS.ProcessEnv,
  name: string,
  def: number,
  min: number,
  max: number,
  errors: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push(`${name} must be an integer between ${min} and ${max}`);
    return def;
  }
  return n;
}

export function envBool(env: NodeJS.ProcessEnv, name: string, def: boolean, errors: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  errors.push(`${name} must be true or false`);
  return def;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const errors: string[] = [];
  const nodeEnvRaw = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw))
    errors.push('NODE_ENV must be development, production or test');
  const nodeEnv = nodeEnvRaw as AppConfig['nodeEnv'];
  const isProduction = nodeEnv === 'production';

  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) errors.push('DATABASE_URL must be a postgres:// URL');
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) errors.push('REDIS_URL must be a redis:// URL');

  let secret = env.JWT_SECRET ?? '';
  if (isProduction) {
    if (!databaseUrl)
      errors.push('DATABASE_URL is required in production (the embedded database is for one machine only)');
    if (secret.length < 32 || WEAK_SECRETS.has(secret))
      errors.push('JWT_SECRET must be set to a random string of at least 32 characters in production');
  } else if (!secret) {
    secret = DEV_JWT_SECRET;
  } else if (secret.length < 16) {
    errors.push('JWT_SECRET must be at least 16 characters');
  }

  const port = envInt(env, 'PORT', 3000, 0, 65535, errors);
  const host = env.HOST?.trim() || '0.0.0.0';
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/$/, '');
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (corsOrigins.length === 0)
    corsOrigins.push(publicUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`, 'http://localhost:5173');

  const trustProxyRaw = env.TRUST_PROXY?.trim();
  // false | true (trust every hop) | a hop count (e.g. 1 behind one nginx) | a list of proxy addresses/CIDRs.
  const trustProxy: boolean | number | string =
    !trustProxyRaw || /^(0|false)$/i.test(trustProxyRaw)
      ? false
      : /^true$/i.test(trustProxyRaw)
        ? true
        : /^\d{1,2}$/.test(trustProxyRaw)
          ? Number(trustProxyRaw)
          : trustProxyRaw;

  const seedDemo = envBool(env, 'SEED_DEMO', !isProduction, errors) && !isProduction;

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    host,
    port,
    dataDir: env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR?.trim() || './data'),
    databaseUrl,
    databasePoolSize: envInt(env, 'DATABASE_POOL_SIZE', 10, 1, 200, errors),
    redisUrl,
    jwtKey: createSecretKey(Buffer.from(secret || DEV_JWT_SECRET, 'utf8')),
    accessTokenTtlSeconds: envInt(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86400, errors),
    refreshTokenTtlDays: envInt(env, 'REFRESH_TOKEN_TTL_DAYS', 14, 1, 365, errors),
    corsOrigins,
    seedDemo,
    trustProxy,
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === 'test' ? 'silent' : 'info'),
    webDistDir: resolve(env.WEB_DIST_DIR?.trim() || defaultWebDist()),
    loginMaxFailuresPerAccount: envInt(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 1000, errors),
    loginMaxFailuresPerIp: envInt(env, 'LOGIN_MAX_FAILURES_PER_IP', 200, 100, 100000, errors),
    loginWindowSeconds: envInt(env, 'LOGIN_WINDOW_SECONDS', 900, 10, 86400, errors),
    publicUrl,
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel))
    errors.push('LOG_LEVEL must be a pino level');
  if (errors.length) throw new ConfigError(`Invalid configuration:\n  - ${errors.join('\n  - ')}`);
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
