import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults for the embedded default', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, nodeEnv: 'development', databaseUrl: null, redisUrl: null, seedDemo: true });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('refuses to start in production without DATABASE_URL or with a weak JWT_SECRET, naming variables not values', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' });
    } catch (err) {
      expect((err as Error).message).toContain('DATABASE_URL');
      expect((err as Error).message).toContain('JWT_SECRET');
      expect((err as Error).message).not.toContain('short-secret-value');
    }
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
