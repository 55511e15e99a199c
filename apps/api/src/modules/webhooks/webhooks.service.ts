import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WEBHOOK_TEST_EVENT, type WebhookEvent } from '@sysponto/contracts';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { pageOf } from '../../common/pagination.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../../config/webhooks.config.js';
import { WebhookDispatcher, webhookId } from './webhook-dispatcher.service.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkDestination } from './webhook-ssrf.js';
import type {
  CreatedWebhookDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
} from './webhooks.dto.js';
import { WebhookErrors } from './webhooks.errors.js';
import { enqueueWebhookEvents } from './webhooks.queries.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** Admin management of webhook endpoints and their deliveries. */
@Injectable()
export class WebhooksService {
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly dispatcher: WebhookDispatcher,
    private readonly audit: AuditService,
  ) {
    this.endpoints = dataSource.getRepository(WebhookEndpointEntity);
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
  }

  async create(user: AuthUser, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    await this.assertUrl(dto.url);
    const secret = newWebhookSecret();
    const id = await this.dataSource.transaction(async (m) => {
      const rows = await m
        .createQueryBuilder()
        .insert()
        .into(WebhookEndpointEntity)
        .values({ url: dto.url, events: dto.events, description: dto.description ?? null, secret, createdBy: user.id })
        .returning(['id'])
        .execute();
      const endpointId = (rows.raw as { id: string }[])[0].id;
      await this.audit.record(m, {
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: endpointId,
        summary: { url: dto.url, events: dto.events },
      });
      return endpointId;
    });
    return { ...toDto(await this.get(id)), secret };
  }

  async list(): Promise<WebhookDto[]> {
    const rows = await this.endpoints.find({ order: { createdAt: 'ASC' } });
    return rows.map(toDto);
  }

  async findOne(id: string): Promise<WebhookDto> {
    return toDto(await this.get(id));
  }

  async update(id: string, dto: UpdateWebhookDto): Promise<WebhookDto> {
    const current = await this.get(id);
    if (dto.url !== undefined && dto.url !== current.url) await this.assertUrl(dto.url);
    const patch: Partial<WebhookEndpointEntity> = {};
    if (dto.url !== undefined) patch.url = dto.url;
    if (dto.events !== undefined) patch.events = dto.events;
    if (dto.description !== undefined) patch.description = dto.description;
    if (dto.enabled !== undefined) {
      patch.enabled = dto.enabled;
      if (dto.enabled && !current.enabled) {
        patch.consecutiveFailures = 0;
        patch.disabledReason = null;
      }
      if (!dto.enabled && current.enabled) patch.disabledReason = 'Disabled by an admin';
    }
    const changes = diffFields(current, patch);
    // Arrays compare by value (diffFields compares by identity).
    if (changes.events && JSON.stringify(current.events) === JSON.stringify(patch.events)) delete changes.events;
    if (Object.keys(changes).length)
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(WebhookEndpointEntity).update({ id }, patch);
        await this.audit.record(m, {
          action: 'webhook.updated',
          targetType: 'webhook',
          targetId: id,
          summary: { changes },
        });
      });
    return toDto(await this.get(id));
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(WebhookEndpointEntity).findOne({ where: { id } });
      if (!row) throw WebhookErrors.notFound();
      await m.getRepository(WebhookEndpointEntity).delete({ id });
      await this.audit.record(m, {
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetId: id,
        summary: { url: row.url, events: row.events },
      });
    });
  }

  /** Queues a `webhook.test` event for this endpoint alone (signed and retried like any other). */
  async sendTest(id: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.get(id);
    if (!endpoint.enabled) throw WebhookErrors.disabled();
    await enqueueWebhookEvents(
      this.dataSource.manager,
      WEBHOOK_TEST_EVENT,
      [{ data: { webhookId: id, message: 'A test event from SysPonto.' } }],
      id,
    );
    const latest = await this.deliveryPage(id, { page: 1, pageSize: 1 });
    return latest.items[0];
  }

  async deliveryPage(id: string, q: WebhookDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    await this.get(id);
    const { page, pageSize, offset } = pageOf(q);
    const qb = this.deliveries
      .createQueryBuilder('d')
      .innerJoinAndSelect('d.message', 'msg')
      .where('d.endpointId = :id', { id })
      .orderBy('d.seq', 'DESC')
      .skip(offset)
      .take(pageSize);
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(deliveryDto), total, page, pageSize };
  }

  /** Sends a delivery again now (same webhook-id), whatever its state, unless it is in flight. */
  async retry(deliveryId: string): Promise<WebhookDeliveryDto> {
    const d = await this.deliveries.findOne({
      where: { id: deliveryId },
      relations: { message: true, endpoint: true },
    });
    if (!d) throw WebhookErrors.deliveryNotFound();
    if (d.status === 'sending' && d.lockedUntil && d.lockedUntil > new Date()) throw WebhookErrors.deliveryInFlight();
    if (!d.endpoint?.enabled) throw WebhookErrors.disabled();
    await this.deliveries.update(
      { id: deliveryId },
      { status: 'pending', nextAttemptAt: new Date(), lockedUntil: null },
    );
    const updated = await this.deliveries.findOneOrFail({ where: { id: deliveryId }, relations: { message: true } });
    this.dispatcher.kick();
    return deliveryDto(updated);
  }

  private async get(id: string): Promise<WebhookEndpointEntity> {
    const row = await this.endpoints.findOne({ where: { id } });
    if (!row) throw WebhookErrors.notFound();
    return row;
  }

  private async assertUrl(url: string) {
    const problem = await checkDestination(url, this.config.allowPrivateNetworks);
    if (problem === 'unresolvable') throw WebhookErrors.urlUnresolvable();
    if (problem) throw WebhookErrors.urlForbidden({ details: { reason: problem } });
  }
}

function toDto(e: WebhookEndpointEntity): WebhookDto {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as WebhookEvent[],
    enabled: e.enabled,
    consecutiveFailures: e.consecutiveFailures,
    disabledReason: e.disabledReason,
    createdAt: iso(e.createdAt)!,
    updatedAt: iso(e.updatedAt)!,
  };
}

function deliveryDto(d: WebhookDeliveryEntity): WebhookDeliveryDto {
  return {
    id: d.id,
    webhookId: d.endpointId,
    messageId: webhookId(d.messageId),
    event: d.message?.eventType ?? '',
    status: d.status,
    attempts: d.attempts,
    statusCode: d.lastStatusCode,
    durationMs: d.lastDurationMs,
    error: d.lastError,
    response: d.lastResponse,
    nextRetryAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: iso(d.deliveredAt),
    createdAt: iso(d.createdAt)!,
    body: d.message?.body ?? '',
  };
}
