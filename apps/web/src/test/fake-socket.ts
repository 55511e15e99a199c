import type { ServerToClientEvents } from '@sysponto/contracts';
import { vi } from 'vitest';

/**
 * A stand-in for socket.io-client: records what the app emits and lets a test play the server.
 * Use it with `vi.mock('socket.io-client', () => import('@/test/fake-socket'))`.
 */
type Handler = (...args: unknown[]) => void;
const handlers = new Map<string, Set<Handler>>();
export const emitted: { event: string; payload: unknown }[] = [];

export const fakeSocket = {
  connected: false,
  active: true,
  auth: undefined as unknown,
  on(event: string, fn: Handler) {
    handlers.set(event, (handlers.get(event) ?? new Set()).add(fn));
    return fakeSocket;
  },
  off(event: string, fn?: Handler) {
    if (fn) handlers.get(event)?.delete(fn);
    else handlers.delete(event);
    return fakeSocket;
  },
  emit(event: string, payload: unknown, ack?: (r: unknown) => void) {
    emitted.push({ event, payload });
    ack?.({ ok: true });
    return fakeSocket;
  },
  timeout() {
    return {
      emit: (event: string, payload: unknown, ack: (err: unknown, r: unknown) => void) => {
        emitted.push({ event, payload });
        ack(null, { ok: true });
      },
    };
  },
  connect() {
    fakeSocket.fire('connect');
    return fakeSocket;
  },
  disconnect() {
    fakeSocket.fire('disconnect', 'io client disconnect');
    return fakeSocket;
  },
  /** A connection event (`connect`, `disconnect`, `connect_error`). */
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') fakeSocket.connected = true;
    if (event === 'disconnect') fakeSocket.connected = false;
    handlers.get(event)?.forEach((fn) => fn(...args));
  },
  /** The server sends one of its events (typed from libs/contracts). */
  serverEmit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) {
    handlers.get(event)?.forEach((fn) => fn(...args));
  },
  /** How many handlers listen for an event (a component must stop listening when it unmounts). */
  listeners(event: string) {
    return [...(handlers.get(event) ?? [])];
  },
};

export const io = vi.fn((opts: { auth: unknown }) => {
  fakeSocket.auth = opts.auth;
  return fakeSocket;
});
