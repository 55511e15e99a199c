import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { i18n } from '@/i18n';
import { memoryQueueStorage, NetworkError } from '@/offline/queue';
import { useAuthStore } from '@/stores/auth';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { useToastStore } from '@/stores/toasts';
import { setNetworkState } from './use-network';
import { useOfflineSync } from './use-offline-sync';

afterEach(() => setNetworkState({ browser: true, api: true }));

describe('useOfflineSync', () => {
  it('tells the total once when the network drops in the middle of a replay and the rest is sent later', async () => {
    i18n.global.locale.value = 'en';
    const pinia = createPinia();
    setActivePinia(pinia);
    setNetworkState({ api: false });
    useAuthStore().$patch({ user: { id: 'u1', role: 'teacher', fullName: 'Tia Teacher' } as never });
    const queue = useOfflineQueueStore();
    const toasts = useToastStore();
    let calls = 0;
    queue.configure({
      storage: memoryQueueStorage(),
      send: async () => {
        calls += 1;
        // The second request of the first replay finds no network.
        if (calls === 2) throw new NetworkError('offline again');
        return { status: 200, body: {}, replayed: false };
      },
    });
    const App = defineComponent({
      setup() {
        useOfflineSync();
        return () => h('div');
      },
    });
    mount(App, { global: { plugins: [pinia, i18n] } });
    await flushPromises();
    for (const n of [1, 2, 3]) {
      const change = {
        kind: 'attendance' as const,
        sessionId: 's1',
        studentId: `st${n}`,
        fullName: `Student ${n}`,
        previousStatus: 'pending' as const,
        body: { status: 'present' as const, override: false, recordedAt: '2026-03-01T10:00:00.000Z' },
        key: `key-${n}`,
      };
      await queue.enqueue(change);
    }

    setNetworkState({ api: true });
    await flushPromises();
    // One change went through before the network dropped: nothing told yet, two wait.
    expect(calls).toBe(2);
    expect(queue.pendingCount).toBe(2);
    expect(toasts.items).toEqual([]);

    setNetworkState({ api: false });
    await flushPromises();
    setNetworkState({ api: true });
    await flushPromises();
    expect(queue.pendingCount).toBe(0);
    expect(toasts.items.map((t) => [t.variant, t.title])).toEqual([['success', '3 changes made offline were sent']]);
  });
});
