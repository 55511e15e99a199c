// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { reachableCheckInUrl } from './check-in-link';

const at = (origin: string) => ({ origin, hostname: new URL(origin).hostname });

describe('reachableCheckInUrl (QR and projector links on a classroom network)', () => {
  it('without PUBLIC_URL (a localhost link) uses the address the teacher browses', () => {
    const url = 'http://localhost:3000/check-in?code=K7M2QX';
    expect(reachableCheckInUrl(url, at('http://192.168.1.23:3000'))).toBe(
      'http://192.168.1.23:3000/check-in?code=K7M2QX',
    );
    expect(reachableCheckInUrl('http://127.0.0.1:3000/check-in?code=AB', at('http://sala12.local:3000'))).toBe(
      'http://sala12.local:3000/check-in?code=AB',
    );
  });

  it('keeps localhost when that is what the teacher uses, and a PUBLIC_URL link always', () => {
    const url = 'http://localhost:3000/check-in?code=K7M2QX';
    expect(reachableCheckInUrl(url, at('http://localhost:3000'))).toBe(url);
    const pub = 'https://ponto.escola.pt/check-in?code=K7M2QX';
    expect(reachableCheckInUrl(pub, at('http://10.0.0.5:3000'))).toBe(pub);
  });
});
