import { createHash, createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { deviceHash, deviceKey, uuidBytes } from './device-hash.js';

describe('device hash', () => {
  const secret = createSecretKey(Buffer.from('a-server-secret-of-some-length!!'));

  it('is HMAC(HMAC(secret, device id), session id), and the padded key computes the same HMAC', () => {
    const sessionId = randomUUID();
    const kd = createHmac('sha256', secret).update('device-id:dev-1').digest();
    const expected = createHmac('sha256', kd).update(uuidBytes(sessionId)).digest();
    expect(deviceHash(secret, 'dev-1', sessionId)).toEqual(expected);
    // What the SQL computes from the pads: sha256(outer ‖ sha256(inner ‖ uuid)).
    const pads = deviceKey(secret, 'dev-1');
    const inner = createHash('sha256').update(pads.inner).update(uuidBytes(sessionId)).digest();
    expect(createHash('sha256').update(pads.outer).update(inner).digest()).toEqual(expected);
  });

  it('differs between sessions and devices, and needs the server secret', () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    expect(deviceHash(secret, 'dev-1', s1)).not.toEqual(deviceHash(secret, 'dev-1', s2));
    expect(deviceHash(secret, 'dev-1', s1)).not.toEqual(deviceHash(secret, 'dev-2', s1));
    const other = createSecretKey(Buffer.from('another-server-secret-of-length!'));
    expect(deviceHash(other, 'dev-1', s1)).not.toEqual(deviceHash(secret, 'dev-1', s1));
  });
});
