import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A revocation of access tokens, kept until the last token it refuses has expired. Either every token of a user
 * below `minVersion` (null: every token — the user was deleted) or, with `sessionId`, every token of one sign-in.
 * No foreign key: a deleted user's revocation must outlive the user row.
 */
@Entity({ name: 'token_revocations' })
@Index('token_revocations_revoked_at_idx', ['revokedAt'])
export class TokenRevocationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'token_revocations_pkey' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The refresh-token family (sign-in); null = all of the user's tokens below minVersion. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'min_version', type: 'int', nullable: true })
  minVersion: number | null;

  @Column({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', default: () => 'now()' })
  revokedAt: Date;

  /** When the newest token it can refuse expires; the row is pruned some time after. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
