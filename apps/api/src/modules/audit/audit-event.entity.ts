import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One administrative or security-relevant action, appended in the transaction of the change it describes.
 * Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. No foreign keys on purpose: the trail outlives the
 * users and objects it names.
 */
@Entity({ name: 'audit_events' })
@Index('audit_events_occurred_at_idx', ['occurredAt', 'id'])
@Index('audit_events_actor_idx', ['actorId', 'occurredAt'])
@Index('audit_events_target_idx', ['targetType', 'targetId', 'occurredAt'])
@Index('audit_events_action_idx', ['action', 'occurredAt'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'audit_events_pkey' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /** Who did it; null for anonymous actions (a failed sign-in of an unknown email) and the system. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  /** `<target-type>.<past-tense-verb>`, see audit.actions.ts. */
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 40 })
  targetType: string;

  @Column({ name: 'target_id', type: 'uuid', nullable: true })
  targetId: string | null;

  /** What changed, secrets removed (see AuditService.sanitize). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  summary: Record<string, unknown>;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;
}
