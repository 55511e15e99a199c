import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/** A day of the school calendar without classes: every new weekly series skips it. */
@Entity({ name: 'holidays' })
export class HolidayEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'holidays_pkey' })
  id: string;

  /** "YYYY-MM-DD": the local date in each course's time zone. */
  @Index('holidays_date_key', { unique: true })
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ActingUserRelation('created_by', 'holidays_created_by_fkey')
  creator?: UserEntity;

  @CreatedAtColumn()
  createdAt: Date;
}
