import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns.js';
import { UserEntity } from '../users/user.entity.js';

/** A user's private calendar feed. The URL token is HMAC(server secret, seed); only its SHA-256 is stored. */
@Entity({ name: 'calendar_feeds' })
export class CalendarFeedEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'calendar_feeds_pkey' })
  userId: string;

  /** Random (128 bits, base64url); replaced on regeneration, which invalidates the old URL. */
  @Column({ type: 'varchar', length: 64 })
  seed: string;

  @Index('calendar_feeds_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'calendar_feeds_user_id_fkey' })
  user?: UserEntity;
}
