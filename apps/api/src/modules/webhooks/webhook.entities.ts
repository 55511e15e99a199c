import { Check, Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, RetryQueueColumns, UpdatedAtColumn } from '../../database/columns.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/** A receiver registered by an admin: where to POST which events, signed with its secret (Standard Webhooks). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_endpoints_pkey' })
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  /** Subscribed event types (see WEBHOOK_EVENTS in libs/contracts). */
  @Column({ type: 'text', array: true })
  events: string[];

  /** `whsec_…`: needed in clear to sign; returned by the API only once, at creation. */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Failed attempts in a row; reset by a success; the endpoint is disabled at WEBHOOK_DISABLE_AFTER_FAILURES. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 300, nullable: true })
  disabledReason: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ActingUserRelation('created_by', 'webhook_endpoints_created_by_fkey')
  creator?: UserEntity;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/**
 * One event, written in the same transaction as the change it announces (the durable outbox). `body` is the exact
 * JSON sent on every attempt; its id is the `webhook-id` (`msg_…`), the same on every retry.
 */
@Entity({ name: 'webhook_messages' })
export class WebhookMessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_messages_pkey' })
  id: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ type: 'text' })
  body: string;

  /** The session the event belongs to (deliveries of one session reach an endpoint in order), if any. */
  @Column({ name: 'ordering_key', type: 'uuid', nullable: true })
  orderingKey: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

/** One message to one endpoint: claimed by any replica with FOR UPDATE SKIP LOCKED, retried with backoff. */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_due_idx', ['status', 'nextAttemptAt'])
@Index('webhook_deliveries_endpoint_id_idx', ['endpointId', 'seq'])
@Index('webhook_deliveries_ordering_idx', ['endpointId', 'orderingKey', 'seq'])
@Check('webhook_deliveries_status_check', `"status" IN ('pending', 'sending', 'succeeded', 'failed')`)
export class WebhookDeliveryEntity extends RetryQueueColumns<WebhookDeliveryStatus> {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_deliveries_pkey' })
  id: string;

  /** Creation order: a session's deliveries to an endpoint go out in this order. */
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'webhook_deliveries_endpoint_id_fkey' })
  endpoint?: WebhookEndpointEntity;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @ManyToOne(() => WebhookMessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'webhook_deliveries_message_id_fkey' })
  message?: WebhookMessageEntity;

  @Column({ name: 'ordering_key', type: 'uuid', nullable: true })
  orderingKey: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs: number | null;

  /** The start of the receiver's last answer (≤ 2000 characters), for the admin page. */
  @Column({ name: 'last_response', type: 'varchar', length: 2000, nullable: true })
  lastResponse: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
