// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as http from '@/api/http';

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

    const answers: unknown[] = [];
    const stop = watchSession('s-1', (ack) => answers.push(ack));
    expect(answers).toEqual([{ ok: true }]);
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
    // The page hears about the new join (it re-reads what it shows).
    expect(answers).toEqual([{ ok: true }, { ok: true }]);
    expect(resync).toHaveBeenCalledTimes(1);
    off();
    emitted.length = 0;
    stop();
    expect(emitted).toEqual([{ event: 'session.unwatch', payload: { sessionId: 's-1' } }]);
  });

  it('joins a room watched before the socket connected once it connects, and tells the page then', () => {
    fakeSocket.fire('disconnect');
    emitted.length = 0;
    const answers: unknown[] = [];
    const stop = watchSession('s-2', (ack) => answers.push(ack));
    expect(emitted).toEqual([]);
    expect(answers).toEqual([]);
    fakeSocket.fire('connect');
    expect(emitted).toEqual([{ event: 'session.watch', payload: { sessionId: 's-2' } }]);
    expect(answers).toEqual([{ ok: true }]);
    // A second page watching the same room: no second join, told at once.
    const again: unknown[] = [];
    const stopAgain = watchSession('s-2', (ack) => again.push(ack));
    expect(emitted).toHaveLength(1);
    expect(again).toEqual([{ ok: true }]);
    emitted.length = 0;
    stop();
    expect(emitted).toEqual([]);
    stopAgain();
    expect(emitted).toEqual([{ event: 'session.unwatch', payload: { sessionId: 's-2' } }]);
  });

  it('reconnects with a fresh token when the server ends the socket (token expired), not after a failed refresh', async () => {
    setAccessToken('old');
    connectSocket();
    const refresh = vi.spyOn(http, 'refreshSession');
    refresh.mockResolvedValueOnce({ accessToken: 'fresh' } as Awaited<ReturnType<typeof http.refreshSession>>);
    fakeSocket.fire('disconnect', 'io server disconnect');
    await vi.waitFor(() => expect(connected.value).toBe(true));
    expect(refresh).toHaveBeenCalledTimes(1);

    refresh.mockResolvedValueOnce(null);
    fakeSocket.fire('disconnect', 'io server disconnect');
    await new Promise((r) => setTimeout(r, 10));
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(connected.value).toBe(false);

    // A disconnect the app asked for does not refresh.
    fakeSocket.fire('connect');
    fakeSocket.fire('disconnect', 'io client disconnect');
    expect(refresh).toHaveBeenCalledTimes(2);
    refresh.mockRestore();
  });
});
