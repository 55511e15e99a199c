import type { ClientToServerEvents, ServerToClientEvents, WatchAck } from '@sysponto/contracts';
import { io, type Socket } from 'socket.io-client';
import { ref } from 'vue';
import { getAccessToken, refreshSession } from '@/api/http';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Live connection state for the UI ("live" badge, "reconnecting…" banner). */
export const connected = ref(false);
/** Whether this page ever had a live connection (so "reconnecting…" is not shown while first connecting). */
export const wasConnected = ref(false);

let socket: AppSocket | null = null;
const reconnectListeners = new Set<() => void>();
const watched = new Set<string>();

/** The one socket of the app; created on first use, connected after sign-in. */
export function getSocket(): AppSocket {
  if (!socket) {
    socket = io({
      path: '/socket.io',
      autoConnect: false,
      transports: ['websocket', 'polling'],
      // A function: every (re)connection sends the current access token, not the one from sign-in.
      auth: (cb) => cb({ token: getAccessToken() ?? '' }),
    });
    let everConnected = false;
    socket.on('connect', () => {
      connected.value = true;
      wasConnected.value = true;
      // Session rooms are per connection: watch them again, then let pages re-read what they missed over REST.
      for (const id of watched) socket!.emit('session.watch', { sessionId: id }, () => undefined);
      if (everConnected) reconnectListeners.forEach((fn) => fn());
      everConnected = true;
    });
    socket.on('disconnect', async (reason) => {
      connected.value = false;
      // The server ends a socket when its access token expires or is revoked. Socket.IO does not retry after that:
      // reconnect with a fresh token; if the refresh is refused the sign-in is over and nothing reconnects.
      if (reason === 'io server disconnect') {
        const s = await refreshSession();
        if (s) socket?.connect();
      }
    });
    socket.on('connect_error', async () => {
      // The handshake is refused when the access token has expired: refresh, and the manager retries with the new one.
      connected.value = false;
      if (!socket?.active) {
        const s = await refreshSession();
        if (s) socket?.connect();
      }
    });
  }
  return socket;
}

export function connectSocket(): void {
  const s = getSocket();
  if (!s.connected) s.connect();
}

export function disconnectSocket(): void {
  watched.clear();
  wasConnected.value = false;
  socket?.disconnect();
  connected.value = false;
}

/** Registers a callback for reconnects (not the first connect). Returns the unsubscribe function. */
export function onReconnect(fn: () => void): () => void {
  reconnectListeners.add(fn);
  return () => reconnectListeners.delete(fn);
}

/** Joins a session's live room (teacher of the course or admin). */
export function watchSession(sessionId: string): Promise<WatchAck> {
  watched.add(sessionId);
  const s = getSocket();
  if (!s.connected) return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    s.timeout(5000).emit('session.watch', { sessionId }, (err, ack) =>
      resolve(err ? { ok: false, code: 'timeout' } : ack),
    );
  });
}

export function unwatchSession(sessionId: string): void {
  watched.delete(sessionId);
  const s = getSocket();
  if (s.connected) s.emit('session.unwatch', { sessionId }, () => undefined);
}
