import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns.js';
import { UserEntity } from '../users/user.entity.js';

@Entity({ name: 'notifications' })
@Index('notifications_user_id_created_at_idx', ['userId', 'createdAt'])
// Partial index (read_at IS NULL) lives in the migration.
@Index('notifications_unread_idx', { synchronize: false })
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'notifications_pkey' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** e.g. attendance.validated, justification.reviewed */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 1000 })
  body: string;

  /** The parameters its texts are rendered from per reader (notification-messages.ts); null on older rows. */
  @Column({ type: 'jsonb', nullable: true })
  params: Record<string, unknown> | null;

  /** SPA route to open, e.g. /student/history */
  @Column({ type: 'varchar', length: 500, nullable: true })
  link: string | null;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notifications_user_id_fkey' })
  user?: UserEntity;
}
