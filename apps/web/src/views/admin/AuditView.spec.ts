import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, page } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import AuditView from './AuditView.vue';

enableAutoUnmount(afterEach);
afterEach(() => vi.restoreAllMocks());

const event = (over: Record<string, unknown> = {}) => ({
  id: 'e1',
  occurredAt: '2026-11-30T10:15:00.000Z',
  actorId: 'a1',
  actorName: 'Alice Admin',
  actorEmail: 'admin@example.com',
  action: 'user.updated',
  targetType: 'user',
  targetId: '22222222-2222-4222-8222-222222222222',
  summary: { changes: { role: { from: 'teacher', to: 'admin' } } },
  requestId: 'req-1',
  ip: '10.0.0.7',
  ...over,
});
const failed = event({
  id: 'e2',
  actorId: null,
  actorName: null,
  actorEmail: null,
  action: 'auth.login-failed',
  targetType: 'auth',
  targetId: null,
  summary: { email: 'who@example.com', reason: 'wrong-password' },
});
const typingPause = () => new Promise((r) => setTimeout(r, 350));

describe('AuditView (useAuditEvents)', () => {
  it('shows who did what and what changed, failed sign-ins without an actor, and filters from page 1', async () => {
    const net = fakeFetch({
      'GET /api/audit-events': [
        { status: 200, body: page([event(), failed], { pageSize: 25 }) },
        { status: 200, body: page([failed], { pageSize: 25 }) },
        { status: 200, body: page([], { pageSize: 25 }) },
      ],
    });
    const { wrapper } = await mountPage(AuditView, { path: '/admin/audit', network: net });
    const rows = wrapper.findAll('[data-testid=audit-table] tbody tr');
    expect(rows.map((r) => r.attributes('data-action'))).toEqual(['user.updated', 'auth.login-failed']);
    expect(rows[0]!.text()).toContain('Alice Admin');
    expect(rows[0]!.text()).toContain('role: teacher → admin');
    expect(rows[0]!.text()).toContain('10.0.0.7');
    expect(rows[1]!.text()).toContain('Not signed in');
    expect(rows[1]!.text()).toContain('reason: wrong-password');

    await wrapper.get('#a-action').setValue('auth');
    await flushPromises();
    await wrapper.get('#a-actor').setValue('nobody@example.com');
    await typingPause();
    await flushPromises();
    expect(net.calls.map((c) => c.query)).toEqual([
      { page: '1', pageSize: '25' },
      { page: '1', pageSize: '25', action: 'auth' },
      { page: '1', pageSize: '25', action: 'auth', actor: 'nobody@example.com' },
    ]);
    expect(wrapper.text()).toContain('No events match');
  });

  it('takes a day range in local time (the end day included) and exports the same filters as CSV', async () => {
    const net = fakeFetch({
      'GET /api/audit-events': { status: 200, body: page([event()], { pageSize: 25 }) },
      'GET /api/audit-events/export.csv': () =>
        new Response('occurredAt\n', {
          status: 200,
          headers: { 'content-disposition': 'attachment; filename="audit-20261130.csv"' },
        }),
    });
    const { wrapper } = await mountPage(AuditView, { path: '/admin/audit', network: net });
    await wrapper.get('#a-from').setValue('2026-11-01');
    await wrapper.get('#a-to').setValue('2026-11-30');
    await flushPromises();
    const range = {
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 11, 1).toISOString(),
    };
    expect(net.calls.at(-1)!.query).toEqual({ page: '1', pageSize: '25', ...range });

    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:audit');
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    await wrapper.get('[data-testid=audit-export]').trigger('click');
    await flushPromises();
    expect(net.calls.at(-1)).toMatchObject({ path: '/api/audit-events/export.csv', query: range });
    expect(saved).toEqual(['audit-20261130.csv']);
  });

  it('shows the error of a refused read with a retry', async () => {
    const net = fakeFetch({
      'GET /api/audit-events': [
        {
          status: 400,
          body: { statusCode: 400, code: 'validation/failed', message: 'targetId must be a UUID' },
        },
        { status: 200, body: page([event()], { pageSize: 25 }) },
      ],
    });
    const { wrapper } = await mountPage(AuditView, { path: '/admin/audit', network: net });
    expect(wrapper.find('[role=alert]').exists()).toBe(true);
    await wrapper.get('[role=alert] button').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid=audit-table] tbody tr')).toHaveLength(1);
  });
});
