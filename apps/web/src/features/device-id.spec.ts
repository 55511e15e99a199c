// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { deviceId } from './device-id';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('device id', () => {
  it('is generated once (32 hex characters) and then kept', () => {
    const s = memoryStorage();
    const id = deviceId(s);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(deviceId(s)).toBe(id);
    expect(s.m.get('sysponto.deviceId')).toBe(id);
  });

  it('differs between browsers and replaces a tampered value', () => {
    const a = memoryStorage();
    const b = memoryStorage();
    expect(deviceId(a)).not.toBe(deviceId(b));
    a.setItem('sysponto.deviceId', 'not valid!'.repeat(10));
    expect(deviceId(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('works without storage (private mode, blocked): no identifier, no error', () => {
    expect(deviceId(null)).toBeUndefined();
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => undefined,
    };
    expect(deviceId(broken)).toBeUndefined();
  });
});
