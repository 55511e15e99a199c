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
/** The session rooms this page watches, each with the pages to tell every time the server answers a join. */
const watched = new Map<string, Set<(ack: WatchAck) => void>>();

function join(s: AppSocket, sessionId: string): void {
  s.timeout(5000).emit('session.watch', { sessionId }, (err, ack) => {
    const answer: WatchAck = err ? { ok: false, code: 'timeout' } : ack;
    watched.get(sessionId)?.forEach((fn) => fn(answer));
  });
}

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
      // Session rooms are per connection: join them (again); each page watching one re-reads it once joined.
      for (const id of watched.keys()) join(socket!, id);
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

/**
 * Watches a session's live room (teacher of the course or admin): joined now when connected, else as soon as the
 * socket connects, and again after every reconnect. `onAnswer` gets the server's answer to each join: events sent
 * before a join never reach this page, so a page re-reads what it shows once `ok` (REST before the join can miss a
 * check-in). Returns the function that stops watching.
 */
export function watchSession(sessionId: string, onAnswer: (ack: WatchAck) => void): () => void {
  const listeners = watched.get(sessionId) ?? new Set();
  const first = listeners.size === 0;
  listeners.add(onAnswer);
  watched.set(sessionId, listeners);
  const s = getSocket();
  if (s.connected) {
    if (first) join(s, sessionId);
    // Already joined for another page: that page's answer came; this one's is the same.
    else onAnswer({ ok: true });
  }
  return () => {
    listeners.delete(onAnswer);
    if (listeners.size > 0 || watched.get(sessionId) !== listeners) return;
    watched.delete(sessionId);
    if (s.connected) s.emit('session.unwatch', { sessionId }, () => undefined);
  };
}
