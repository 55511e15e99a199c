import { decodeCursor, encodeCursor } from './attendance-records.cursor.js';

describe('changes feed cursor', () => {
  it('round-trips a position', () => {
    const p = { seq: '123456789012', id: '0b5b1c2e-8f0a-4c1e-9a51-3f1d2e4c5b6a' };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
  });

  it('rejects what it did not make', () => {
    expect(decodeCursor('not a cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('v1:12:nope').toString('base64url'))).toBeNull();
    expect(
      decodeCursor(Buffer.from('v1:99999999999999999999:0b5b1c2e-8f0a-4c1e-9a51-3f1d2e4c5b6a').toString('base64url')),
    ).toBeNull();
  });
});
