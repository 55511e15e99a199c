import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { fakeFetch, page } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { mountPage } from '@/test/mount';
import NotificationsView from './NotificationsView.vue';

enableAutoUnmount(afterEach);

const note = (id: string, readAt: string | null = null) => ({
  id,
  type: 'justification.reviewed',
  title: `Title ${id}`,
  body: `Body ${id}`,
  params: null,
  link: null,
  readAt,
  createdAt: '2026-11-24T12:00:00.000Z',
});
const notes = (items: ReturnType<typeof note>[]) => ({
  ...page(items),
  unreadCount: items.filter((n) => !n.readAt).length,
});

describe('NotificationsView (useNotificationList)', () => {
  it('shows a new notification at once, filters unread ones, and marks one read', async () => {
    const net = fakeFetch({
      'GET /api/notifications': [
        { status: 200, body: notes([note('n1', '2026-11-24T13:00:00.000Z')]) },
        { status: 200, body: notes([note('n2'), note('n1', '2026-11-24T13:00:00.000Z')]) },
        { status: 200, body: notes([note('n2')]) },
        { status: 200, body: notes([]) },
      ],
      'POST /api/notifications/n2/read': { status: 204 },
    });
    const { wrapper } = await mountPage(NotificationsView, { path: '/notifications', network: net });
    expect(wrapper.findAll('li')).toHaveLength(1);

    fakeSocket.serverEmit('notification.created', { ...note('n2'), createdAt: '2026-11-24T14:00:00.000Z' });
    await flushPromises();
    expect(wrapper.findAll('li').map((li) => li.find('.fw-semibold').text())).toEqual(['Unread: Title n2', 'Title n1']);

    await wrapper.get('#unread-only').setValue(true);
    await flushPromises();
    expect(net.calls.at(-1)!.query).toEqual({ page: '1', pageSize: '20', unread: 'true' });

    await wrapper.get('li .btn-outline-dark').trigger('click');
    await flushPromises();
    expect(net.calls.slice(-2).map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/notifications/n2/read',
      'GET /api/notifications',
    ]);
    expect(wrapper.text()).toContain('You have read everything');
  });
});
