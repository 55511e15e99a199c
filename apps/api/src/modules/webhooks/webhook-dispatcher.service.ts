import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../../config/webhooks.config.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { UserEntity } from '../users/user.entity.js';
import { sendWebhook } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  recordDeliveryFailure,
  recordDeliverySuccess,
  setWebhookWake,
} from './webhooks.queries.js';
import { DrainLoop } from '../../common/drain-loop.js';

/** `webhook-id` of a message: the same on every retry. */
export const webhookId = (messageId: string) => `msg_${messageId.replace(/-/g, '')}`;

/**
 * The delivery worker, on every replica: claims due deliveries (SKIP LOCKED, so replicas never send the same one at
 * once), signs and POSTs them, records the outcome, schedules retries with exponential backoff, and disables an
 * endpoint after too many failures in a row (telling the admins). A replica killed mid-delivery leaves its claim
 * to expire; another replica sends it again with the same webhook-id (receivers dedupe on it: at-least-once).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer: NodeJS.Timeout | null = null;
  private readonly loop = new DrainLoop(
    () => this.drain(),
    (err: unknown) => this.logger.warn(`Webhook worker: ${err instanceof Error ? err.message : String(err)}`),
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap() {
    setWebhookWake(() => this.wakeSoon());
    this.timer = setInterval(() => this.kick(), this.config.pollIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    setWebhookWake(null);
    if (this.timer) clearInterval(this.timer);
    await this.loop.stop();
  }

  /** Events are written inside transactions: look right after the usual commit, and once more a little later. */
  wakeSoon() {
    for (const ms of [5, 50]) setTimeout(() => this.kick(), ms).unref();
  }

  kick(): void {
    this.loop.kick();
  }

  /** Sends every due delivery, a batch at a time (batch = concurrency). Returns how many attempts were made. */
  async drain(): Promise<number> {
    let attempts = 0;
    const lease = Math.ceil(this.config.timeoutMs / 1000) * 3 + 5;
    for (;;) {
      if (this.loop.isStopped) return attempts;
      const batch = await claimDueDeliveries(this.dataSource.manager, this.config.concurrency, lease);
      if (batch.length === 0) return attempts;
      await Promise.all(batch.map((d) => this.deliver(d)));
      attempts += batch.length;
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const id = webhookId(d.messageId);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await sendWebhook(
      d.url,
      d.body,
      {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(d.secret, id, timestamp, d.body),
      },
      { timeoutMs: this.config.timeoutMs, allowPrivate: this.config.allowPrivateNetworks },
    );
    if (result.error === null) {
      await recordDeliverySuccess(this.dataSource.manager, d, result);
      return;
    }
    const delays = this.config.retryDelaysSeconds;
    const retryIn = d.attempts <= delays.length ? jitter(delays[d.attempts - 1]) : null;
    const notices = await this.dataSource.transaction(async (m) => {
      const endpoint = await recordDeliveryFailure(m, d, result, retryIn, this.config.disableAfterFailures);
      if (endpoint?.disabled) {
        this.logger.warn(
          `Webhook endpoint ${d.endpointId} disabled after ${this.config.disableAfterFailures} failures`,
        );
        const admins = await m
          .getRepository(UserEntity)
          .find({ select: { id: true }, where: { role: UserRole.Admin, active: true } });
        return this.notifications.create(
          admins.map((a) => ({
            userId: a.id,
            type: 'webhook.disabled' as const,
            params: { url: endpoint.url, failures: this.config.disableAfterFailures },
            link: '/admin/integrations/webhooks',
          })),
          m,
        );
      }
      return [];
    });
    this.notifications.publish(notices);
  }
}

/** ±10 %, so replicas and endpoints do not retry in lockstep. */
function jitter(seconds: number): number {
  return seconds * (0.9 + Math.random() * 0.2);
}
