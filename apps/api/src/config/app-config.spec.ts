import { hkdfSync } from 'node:crypto';
import { ConfigError, DEVICE_HASH_KEY_LABEL, loadConfig } from './app-config.js';

/** The ConfigError a bad environment throws (fails the test when none is thrown). */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for the embedded default', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, nodeEnv: 'development', databaseUrl: null, redisUrl: null, seedDemo: true });
    expect(c.dataDir).toMatch(/data$/);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.attendance).toEqual({
      deviceHashKey: expect.anything(),
      autoCloseIntervalSeconds: 60,
      deviceHashRetentionDays: 30,
      privacyPurgeIntervalSeconds: 3600,
      maxWrongAttempts: 5,
      wrongAttemptWindowSeconds: 600,
      sessionFailureBudget: 30,
      checkInBatch: { maxSize: 64, inFlight: 2, windowMs: 0 },
    });
    expect(c.justifications).toEqual({ windowDays: 30, maxDocumentBytes: 5 * 1024 * 1024 });
    expect(c.mail).toMatchObject({ enabled: false, smtpUrl: null, from: 'SysPonto <no-reply@localhost>' });
    expect(c.reports).toEqual({ warningPercent: 75, warningThreshold: 0.75 });
  });

  it('switches test-mode defaults: no auto-close timer, silent logs', () => {
    const c = loadConfig({ NODE_ENV: 'test' });
    expect(c.attendance.autoCloseIntervalSeconds).toBe(0);
    expect(c.logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', AUTO_CLOSE_INTERVAL_SECONDS: '5' }).attendance.autoCloseIntervalSeconds).toBe(
      5,
    );
  });

  it('refuses to start in production without DATABASE_URL or with a weak JWT_SECRET, naming variables not values', () => {
    expect(configError({ NODE_ENV: 'production' })).toContain('DATABASE_URL');
    const message = configError({ NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' });
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('JWT_SECRET');
    expect(message).not.toContain('short-secret-value');
    const ok = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db/x',
      JWT_SECRET: 'x'.repeat(40),
      SEED_DEMO: 'true',
    });
    expect(ok.seedDemo).toBe(false); // never seeds in production
  });

  it('lets a job that signs no tokens start in production without JWT_SECRET', () => {
    const c = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/x' }, { signsTokens: false });
    expect(c.isProduction).toBe(true);
  });

  it('reads TRUST_PROXY as off, all, a hop count or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy).toBe('127.0.0.1,10.0.0.0/8');
  });

  it('reads the feature sections', () => {
    const c = loadConfig({
      DEVICE_HASH_RETENTION_DAYS: '7',
      JUSTIFICATION_WINDOW_DAYS: '7',
      SMTP_URL: 'smtp://mail.test:25',
      MAIL_FROM: 'School <office@school.test>',
      ATTENDANCE_WARNING_PERCENT: '80',
      PUBLIC_URL: 'https://ponto.school.test/',
    });
    expect(c.publicUrl).toBe('https://ponto.school.test');
    expect(c.attendance.deviceHashRetentionDays).toBe(7);
    expect(c.justifications.windowDays).toBe(7);
    expect(c.mail).toMatchObject({
      enabled: true,
      smtpUrl: 'smtp://mail.test:25',
      from: 'School <office@school.test>',
    });
    expect(c.reports).toEqual({ warningPercent: 80, warningThreshold: 0.8 });
    expect(loadConfig({ PUBLIC_URL: 'https://ponto.school.test' }).mail.from).toBe(
      'SysPonto <no-reply@ponto.school.test>',
    );
  });

  it('keys the device hashes with their own key: derived from JWT_SECRET (HKDF, own label) or DEVICE_HASH_SECRET', () => {
    const jwt = 'a-jwt-secret-of-at-least-thirty-two-characters';
    const derived = loadConfig({ JWT_SECRET: jwt }).attendance.deviceHashKey.export();
    expect(derived).toEqual(
      Buffer.from(hkdfSync('sha256', Buffer.from(jwt), Buffer.alloc(0), DEVICE_HASH_KEY_LABEL, 32)),
    );
    expect(derived).not.toEqual(Buffer.from(jwt));
    // With its own secret, rotating JWT_SECRET leaves the device hashes alone.
    const own = 'a-device-hash-secret-of-32-characters-or-more';
    const before = loadConfig({ JWT_SECRET: jwt, DEVICE_HASH_SECRET: own }).attendance.deviceHashKey.export();
    const after = loadConfig({ JWT_SECRET: `${jwt}-rotated`, DEVICE_HASH_SECRET: own });
    expect(after.attendance.deviceHashKey.export()).toEqual(before);
    expect(before).toEqual(Buffer.from(own));
    expect(after.jwtKey.export()).not.toEqual(loadConfig({ JWT_SECRET: jwt }).jwtKey.export());
  });

  it('rejects malformed values with the documented messages, all at once', () => {
    expect(configError({ PORT: 'abc' })).toContain('PORT must be an integer between 0 and 65535');
    expect(configError({ DATABASE_URL: 'mysql://x' })).toContain('DATABASE_URL must be a postgres:// URL');
    expect(configError({ SEED_DEMO: 'maybe' })).toContain('SEED_DEMO must be true or false');
    expect(configError({ ATTENDANCE_WARNING_PERCENT: '180' })).toContain(
      'ATTENDANCE_WARNING_PERCENT must be an integer between 0 and 100',
    );
    expect(configError({ JUSTIFICATION_WINDOW_DAYS: '0' })).toContain(
      'JUSTIFICATION_WINDOW_DAYS must be an integer between 1 and 365',
    );
    expect(configError({ SMTP_URL: 'http://x' })).toContain('SMTP_URL must be an smtp:// or smtps:// URL');
    // The device hashes are never kept longer than the 30 days docs/privacy.md promises.
    expect(configError({ DEVICE_HASH_RETENTION_DAYS: '31' })).toContain(
      'DEVICE_HASH_RETENTION_DAYS must be an integer between 1 and 30',
    );
    expect(configError({ DEVICE_HASH_SECRET: 'short' })).toContain('DEVICE_HASH_SECRET must be at least 32 characters');
    const all = configError({ PORT: '-1', MAIL_MAX_ATTEMPTS: 'many', LOG_LEVEL: 'loud' });
    expect(all).toBe(
      'Invalid configuration:\n' +
        '  - PORT must be an integer between 0 and 65535\n' +
        '  - LOG_LEVEL must be a pino level\n' +
        '  - MAIL_MAX_ATTEMPTS must be an integer between 1 and 100',
    );
    expect(all).not.toContain('many');
  });
});
