import type { ServerToClientEvents } from '@sysponto/contracts';
import { onBeforeUnmount, onMounted } from 'vue';
import { getSocket, onReconnect, watchSession } from './socket';

/** Subscribes a component to one server event for its lifetime. */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
  onMounted(() => getSocket().on(event, handler as never));
  onBeforeUnmount(() => getSocket().off(event, handler as never));
}

/** Calls `resync` after every reconnect (events may have been missed while offline: the database is the truth). */
export function useResync(resync: () => void): void {
  let off: (() => void) | undefined;
  onMounted(() => (off = onReconnect(resync)));
  onBeforeUnmount(() => off?.());
}

/**
 * Watches a session's live room while the component is mounted. `joined` runs each time the server confirms the
 * join (first connection and every reconnect): re-read there, since events before it were not received.
 */
export function useSessionRoom(
  sessionId: () => string,
  on: { joined?: () => void; denied?: (code?: string) => void },
): void {
  let stop: (() => void) | undefined;
  onMounted(() => {
    stop = watchSession(sessionId(), (ack) => (ack.ok ? on.joined?.() : on.denied?.(ack.code)));
  });
  onBeforeUnmount(() => stop?.());
}
