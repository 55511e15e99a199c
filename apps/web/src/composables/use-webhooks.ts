import type { Schemas } from '@sysponto/client';
import { WEBHOOK_EVENTS } from '@sysponto/contracts';
import { onMounted, ref, watch, type Ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction, useAsync } from './use-async';

export type Webhook = Schemas['WebhookDto'];
export type CreatedWebhook = Schemas['CreatedWebhookDto'];
export type WebhookDelivery = Schemas['WebhookDeliveryDto'];
export type WebhookEventType = Schemas['WebhookEvent'];
export type DeliveryStatus = Schemas['WebhookDeliveryStatus'];
export const WEBHOOK_EVENT_TYPES = WEBHOOK_EVENTS as WebhookEventType[];

export interface WebhookInput {
  url: string;
  events: WebhookEventType[];
  description: string;
}

/**
 * The admin's webhook endpoints, read on mount, and what can be done to one: create (answers the one-time `secret`),
 * save (url, events, description), enable/disable, delete and send a test event. Each change re-reads the list.
 */
export function useWebhooks() {
  const list = useAsync(async () => (await unwrap(api.GET('/api/webhooks'))).items);
  const editor = useAction();
  const act = useAction();
  onMounted(list.run);

  async function save(id: string | null, input: WebhookInput): Promise<CreatedWebhook | Webhook | undefined> {
    const description = input.description.trim();
    const result = await editor.run(() =>
      id
        ? unwrap(
            api.PATCH('/api/webhooks/{id}', {
              params: { path: { id } },
              body: { url: input.url.trim(), events: input.events, description: description || null },
            }),
          )
        : unwrap(
            api.POST('/api/webhooks', {
              body: { url: input.url.trim(), events: input.events, ...(description ? { description } : {}) },
            }),
          ),
    );
    if (result) void list.run();
    return result;
  }

  async function change<R>(fn: () => Promise<R>): Promise<R | undefined> {
    const result = await act.run(fn);
    if (result !== undefined) void list.run();
    return result;
  }

  const setEnabled = (hook: Webhook, enabled: boolean) =>
    change(() => unwrap(api.PATCH('/api/webhooks/{id}', { params: { path: { id: hook.id } }, body: { enabled } })));
  const remove = (hook: Webhook) =>
    change(async () => {
      await unwrap(api.DELETE('/api/webhooks/{id}', { params: { path: { id: hook.id } } }));
      return true;
    });
  const sendTest = (hook: Webhook) =>
    act.run(() => unwrap(api.POST('/api/webhooks/{id}/test', { params: { path: { id: hook.id } } })));

  return { list, editor, act, save, setEnabled, remove, sendTest };
}

/**
 * One endpoint's deliveries, newest first, paged and filtered by status; read whenever the endpoint, the page or the
 * filter changes. `retry` sends one again now (same `webhook-id`) and re-reads the page.
 */
export function useWebhookDeliveries(webhookId: Ref<string | null>, pageSize = 20) {
  const page = ref(1);
  const status = ref<'' | DeliveryStatus>('');
  const list = useAsync(async () => {
    const id = webhookId.value;
    if (!id) return undefined;
    return unwrap(
      api.GET('/api/webhooks/{id}/deliveries', {
        params: {
          path: { id },
          query: { page: page.value, pageSize, ...(status.value ? { status: status.value } : {}) },
        },
      }),
    );
  });
  const act = useAction();
  watch(webhookId, () => {
    if (page.value === 1) void list.run();
    else page.value = 1;
  });
  watch(status, () => {
    if (page.value === 1) void list.run();
    else page.value = 1;
  });
  watch(page, () => void list.run());

  async function retry(delivery: WebhookDelivery): Promise<boolean> {
    const ok = await act.run(() =>
      unwrap(api.POST('/api/webhook-deliveries/{id}/retry', { params: { path: { id: delivery.id } } })),
    );
    if (ok) void list.run();
    return !!ok;
  }

  return { list, page, status, pageSize, act, retry };
}
