import type { ServerToClientEvents } from '@sysponto/contracts';
import { onBeforeUnmount, onMounted } from 'vue';
import { getSocket, onReconnect, unwatchSession, watchSession } from './socket';

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

/** Watches a session's live room while the component is mounted. */
export function useSessionRoom(sessionId: () => string, onDenied?: (code?: string) => void): void {
  let current: string | null = null;
  onMounted(async () => {
    current = sessionId();
    const ack = await watchSession(current);
    if (!ack.ok) onDenied?.(ack.code);
  });
  onBeforeUnmount(() => {
    if (current) unwatchSession(current);
  });
}
