import { newWebhookSecret, secretKey, signWebhook, verifyWebhook } from './webhook-signature.js';

describe('Standard Webhooks signature', () => {
  // The test vector published with the Standard Webhooks specification and its reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('reproduces the published test vector', () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies it, among several signatures, and refuses a changed body, a wrong secret or an old timestamp', () => {
    const headers = {
      id,
      timestamp: String(timestamp),
      signature: 'v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    expect(verifyWebhook(secret, headers, body, timestamp)).toBe(true);
    expect(verifyWebhook(secret, headers, '{"test": 2432232315}', timestamp)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, timestamp)).toBe(false);
    expect(verifyWebhook(secret, headers, body, timestamp + 301)).toBe(false);
  });

  it('makes whsec_ secrets of at least 24 random bytes', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(s).length).toBeGreaterThanOrEqual(24);
    expect(newWebhookSecret()).not.toBe(s);
  });
});
