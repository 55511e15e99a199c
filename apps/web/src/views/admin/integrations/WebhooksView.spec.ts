import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeFetch, invalid, user } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import { useAuthStore } from '@/stores/auth';
import { useToastStore } from '@/stores/toasts';
import WebhooksView from './WebhooksView.vue';

enableAutoUnmount(afterEach);

const URL_A = 'https://sis.example.edu/hooks/sysponto';
const hook = (over: Record<string, unknown> = {}) => ({
  id: 'w1',
  url: URL_A,
  description: 'SIS',
  events: ['attendance.submitted', 'session.closed'],
  enabled: true,
  consecutiveFailures: 0,
  disabledReason: null,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  ...over,
});
const delivery = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  webhookId: 'w1',
  messageId: `msg_${id}`,
  event: 'attendance.submitted',
  status: 'succeeded',
  attempts: 1,
  statusCode: 200,
  durationMs: 42,
  error: null,
  response: 'ok',
  nextRetryAt: null,
  deliveredAt: '2026-11-24T09:02:01.000Z',
  createdAt: '2026-11-24T09:02:00.000Z',
  body: '{"type":"attendance.submitted"}',
  ...over,
});
const deliveryPage = (items: unknown[], total = items.length) => ({ items, total, page: 1, pageSize: 20 });

async function mountAdmin(net: ReturnType<typeof fakeFetch>) {
  const mounted = await mountPage(WebhooksView, { path: '/admin/integrations/webhooks', network: net });
  useAuthStore().$patch({ user: user({ role: 'admin' }) as never });
  await flushPromises();
  return mounted;
}

describe('WebhooksView (useWebhooks, useWebhookDeliveries)', () => {
  it('creates an endpoint with the chosen events; the secret is shown once; errors come in plain words', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const net = fakeFetch({
      'GET /api/webhooks': [
        { status: 200, body: { items: [] } },
        { status: 200, body: { items: [hook()] } },
      ],
      'POST /api/webhooks': [
        {
          status: 400,
          body: { statusCode: 400, code: 'webhooks/url-forbidden', message: 'This address is not allowed.' },
        },
        invalid({ url: 'url must be a URL address' }),
        { status: 201, body: { ...hook(), secret } },
      ],
    });
    const { wrapper } = await mountAdmin(net);
    expect(wrapper.text()).toContain('No webhooks yet');
    await wrapper.get('[data-testid=new-webhook]').trigger('click');
    await flushPromises();
    await wrapper.get('#w-url').setValue('http://127.0.0.1/hook');
    expect(wrapper.get('[data-testid=save-webhook]').attributes('disabled')).toBeDefined();
    await wrapper.get('#w-event-attendance\\.submitted').setValue(true);
    await wrapper.get('#w-event-session\\.closed').setValue(true);
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('dialog [role=alert]').text()).toBe(
      'This address is not allowed: it is not a public http(s) address.',
    );
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#w-url').classes()).toContain('is-invalid');

    await wrapper.get('#w-url').setValue(` ${URL_A} `);
    await wrapper.get('#w-description').setValue('SIS');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls.filter((c) => c.method === 'POST')[2]!.body)).toEqual({
      url: URL_A,
      events: ['attendance.submitted', 'session.closed'],
      description: 'SIS',
    });
    const shown = wrapper.get('[data-testid=new-secret]');
    expect(shown.text()).toContain('shown only this once');
    expect((shown.get('input').element as HTMLInputElement).value).toBe(secret);
    await shown.get('button.btn-primary').trigger('click');
    await flushPromises();
    expect(wrapper.html()).not.toContain(secret);
    const item = wrapper.get(`[data-testid=webhooks] li[data-url="${URL_A}"]`);
    expect(item.text()).toContain('Enabled');
    expect(item.text()).toContain('2 events');
  });

  it('edits the events of an endpoint and disables it', async () => {
    const net = fakeFetch({
      'GET /api/webhooks': [
        { status: 200, body: { items: [hook()] } },
        { status: 200, body: { items: [hook({ events: ['session.closed'] })] } },
        { status: 200, body: { items: [hook({ events: ['session.closed'], enabled: false })] } },
      ],
      'PATCH /api/webhooks/w1': [
        { status: 200, body: hook({ events: ['session.closed'] }) },
        { status: 200, body: hook({ enabled: false }) },
      ],
    });
    const { wrapper } = await mountAdmin(net);
    await wrapper.get(`button[aria-label="Edit ${URL_A}"]`).trigger('click');
    await flushPromises();
    expect((wrapper.get('#w-event-attendance\\.submitted').element as HTMLInputElement).checked).toBe(true);
    await wrapper.get('#w-event-attendance\\.submitted').setValue(false);
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    await wrapper.get(`button[aria-label="Disable ${URL_A}"]`).trigger('click');
    await flushPromises();
    const patches = net.calls.filter((c) => c.method === 'PATCH').map((c) => JSON.parse(c.body));
    expect(patches).toEqual([{ url: URL_A, events: ['session.closed'], description: 'SIS' }, { enabled: false }]);
    const item = wrapper.get('[data-testid=webhooks] li');
    expect(item.text()).toContain('Disabled');
    expect(item.text()).toContain('1 event');
    expect(wrapper.get(`button[aria-label="Send test to ${URL_A}"]`).attributes('disabled')).toBeDefined();
  });

  it('sends a test event, lists the deliveries with status, answer and response, filters them and retries a failed one', async () => {
    const failed = delivery('d2', {
      status: 'failed',
      attempts: 8,
      statusCode: 500,
      durationMs: 12,
      error: 'HTTP 500',
      response: 'boom',
      event: 'session.closed',
    });
    const net = fakeFetch({
      'GET /api/webhooks': { status: 200, body: { items: [hook()] } },
      'POST /api/webhooks/w1/test': { status: 202, body: delivery('d3', { event: 'webhook.test', status: 'pending' }) },
      'GET /api/webhooks/w1/deliveries': [
        {
          status: 200,
          body: deliveryPage([delivery('d3', { event: 'webhook.test', status: 'pending' }), failed, delivery('d1')]),
        },
        { status: 200, body: deliveryPage([failed]) },
        { status: 200, body: deliveryPage([{ ...failed, status: 'pending', nextRetryAt: null }]) },
      ],
      'POST /api/webhook-deliveries/d2/retry': { status: 202, body: { ...failed, status: 'pending' } },
    });
    const { wrapper } = await mountAdmin(net);
    await wrapper.get(`button[aria-label="Send test to ${URL_A}"]`).trigger('click');
    await flushPromises();
    const section = () => wrapper.get('[data-testid=deliveries]');
    expect(section().text()).toContain(`Deliveries to ${URL_A}`);
    const rows = () => wrapper.findAll('[data-testid=deliveries-table] tbody tr[data-delivery]');
    expect(rows().map((r) => r.attributes('data-delivery'))).toEqual(['d3', 'd2', 'd1']);
    expect(rows()[0]!.text()).toContain('Test event');
    expect(rows()[0]!.text()).toContain('Pending');
    expect(rows()[1]!.text()).toContain('Failed');
    expect(rows()[1]!.text()).toContain('500');
    expect(rows()[1]!.text()).toContain('HTTP 500');
    expect(rows()[2]!.text()).toContain('Delivered');
    expect(rows()[2]!.text()).toContain('42 ms');
    expect(rows()[2]!.find('button[aria-label^=Retry]').exists()).toBe(false);

    await wrapper.get('#d-status').setValue('failed');
    await flushPromises();
    expect(rows().map((r) => r.attributes('data-delivery'))).toEqual(['d2']);
    await rows()[0]!.get('button[aria-expanded]').trigger('click');
    expect(wrapper.get('[data-testid=response]').text()).toBe('boom');
    expect(wrapper.text()).toContain('webhook-id: msg_d2');

    await wrapper.get('button[aria-label="Retry session.closed now"]').trigger('click');
    await flushPromises();
    expect(net.calls.map((c) => `${c.method} ${c.path} ${c.query.status ?? ''}`.trim())).toEqual([
      'GET /api/webhooks',
      'POST /api/webhooks/w1/test',
      'GET /api/webhooks/w1/deliveries',
      'GET /api/webhooks/w1/deliveries failed',
      'POST /api/webhook-deliveries/d2/retry',
      'GET /api/webhooks/w1/deliveries failed',
    ]);
    expect(rows()[0]!.text()).toContain('Pending');
    expect(useToastStore().items.map((t) => t.title)).toEqual([
      `Test event queued for ${URL_A}`,
      'Delivery queued again',
    ]);
  });
});
