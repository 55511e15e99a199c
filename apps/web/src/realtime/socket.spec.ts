import { afterEach, describe, expect, it, vi } from 'vitest';

// A stand-in for socket.io-client: records emits and lets the test fire connection events.
const fake = vi.hoisted(() => {
  const handlers = new Map<string, ((...a: unknown[]) => void)[]>();
  const emitted: { event: string; payload: unknown }[] = [];
  const socket = {
    connected: false,
    active: true,
    auth: undefined as unknown,
    on(e: string, fn: (...a: unknown[]) => void) {
      handlers.set(e, [...(handlers.get(e) ?? []), fn]);
      return socket;
    },
    off() {
      return socket;
    },
    emit(event: string, payload: unknown, ack?: (r: unknown) => void) {
      emitted.push({ event, payload });
      ack?.({ ok: true });
      return socket;
    },
    timeout() {
      return {
        emit: (event: string, payload: unknown, ack: (err: unknown, r: unknown) => void) => (
          emitted.push({ event, payload }),
          ack(null, { ok: true })
        ),
      };
    },
    connect() {
      socket.connected = true;
      handlers.get('connect')?.forEach((fn) => fn());
      return socket;
    },
    disconnect() {
      socket.connected = false;
      handlers.get('disconnect')?.forEach((fn) => fn('io client disconnect'));
      return socket;
    },
    fire(e: string) {
      if (e === 'disconnect') socket.connected = false;
      if (e === 'connect') socket.connected = true;
      handlers.get(e)?.forEach((fn) => fn());
    },
  };
  return { socket, emitted, io: vi.fn((opts: { auth: unknown }) => ((socket.auth = opts.auth), socket)) };
});
vi.mock('socket.io-client', () => ({ io: fake.io }));

import { setAccessToken } from '@/api/http';
import { connectSocket, connected, onReconnect, watchSession } from './socket';

describe('realtime socket', () => {
  afterEach(() => setAccessToken(null));

  it('sends the current token on every (re)connection, re-joins watched rooms and asks pages to re-sync', async () => {
    setAccessToken('token-1');
    connectSocket();
    expect(connected.value).toBe(true);
    const auth = fake.socket.auth as (cb: (a: { token: string }) => void) => void;
    let sent = '';
    auth((a) => (sent = a.token));
    expect(sent).toBe('token-1');

    await expect(watchSession('s-1')).resolves.toEqual({ ok: true });
    const resync = vi.fn();
    const off = onReconnect(resync);

    fake.emitted.length = 0;
    fake.socket.fire('disconnect');
    expect(connected.value).toBe(false);
    setAccessToken('token-2');
    fake.socket.fire('connect');
    auth((a) => (sent = a.token));
    expect(sent).toBe('token-2');
    expect(fake.emitted).toEqual([{ event: 'session.watch', payload: { sessionId: 's-1' } }]);
    expect(resync).toHaveBeenCalledTimes(1);
    off();
  });
});
