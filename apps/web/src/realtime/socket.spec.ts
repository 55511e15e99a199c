import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { setAccessToken } from '@/api/http';
import { emitted, fakeSocket } from '@/test/fake-socket';
import { connectSocket, connected, onReconnect, watchSession } from './socket';

describe('realtime socket', () => {
  afterEach(() => setAccessToken(null));

  it('sends the current token on every (re)connection, re-joins watched rooms and asks pages to re-sync', async () => {
    setAccessToken('token-1');
    connectSocket();
    expect(connected.value).toBe(true);
    const auth = fakeSocket.auth as (cb: (a: { token: string }) => void) => void;
    let sent = '';
    auth((a) => (sent = a.token));
    expect(sent).toBe('token-1');

    await expect(watchSession('s-1')).resolves.toEqual({ ok: true });
    const resync = vi.fn();
    const off = onReconnect(resync);

    emitted.length = 0;
    fakeSocket.fire('disconnect');
    expect(connected.value).toBe(false);
    setAccessToken('token-2');
    fakeSocket.fire('connect');
    auth((a) => (sent = a.token));
    expect(sent).toBe('token-2');
    expect(emitted).toEqual([{ event: 'session.watch', payload: { sessionId: 's-1' } }]);
    expect(resync).toHaveBeenCalledTimes(1);
    off();
  });
});
