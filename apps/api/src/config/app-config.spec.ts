import { ConfigError, loadConfig } from './app-config.js';

/** The message of the ConfigError that loadConfig throws for env; fails the test when it does not throw one. */
function configErrorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('loadConfig', () => {
  it('has working defaults for the embedded default', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, nodeEnv: 'development', databaseUrl: null, redisUrl: null, seedDemo: true });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('refuses to start in production without DATABASE_URL or with a weak JWT_SECRET, naming variables not values', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    const message = configErrorOf({ NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' });
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

  it('reads TRUST_PROXY as off, all, a hop count or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy).toBe('127.0.0.1,10.0.0.0/8');
  });

  it('rejects malformed values', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
  });
});
