import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { UserRole } from '@sysponto/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '../../database/columns.js';

@Entity({ name: 'users' })
// Both unique indexes are expression/partial indexes written in the migration; sync must leave them alone.
@Index('users_email_key', { synchronize: false })
@Index('users_student_number_key', { synchronize: false })
@Check('users_role_check', `"role" IN ('student', 'teacher', 'admin')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' })
  id: string;

  /** Stored lower-cased; unique. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'full_name', type: 'varchar', length: 120 })
  fullName: string;

  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword: boolean;

  @Column({ name: 'student_number', type: 'varchar', length: 32, nullable: true })
  studentNumber: string | null;

  @Column({ type: 'varchar', length: 5, default: 'en' })
  locale: string;

  /** Teachers: receive the daily email digest of pending justifications. */
  @Column({ name: 'digest_opt_in', type: 'boolean', default: false })
  digestOptIn: boolean;

  /** Raised by every revocation of the user (deactivation, role or password change): older access tokens are refused. */
  @Column({ name: 'token_version', type: 'int', default: 1 })
  tokenVersion: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/**
 * The relation to the user who did something to a row (created, closed, reviewed it …) over its nullable uuid column
 * `column`: deleting that user keeps the row and forgets who it was (ON DELETE SET NULL).
 */
export function ActingUserRelation(column: string, foreignKeyConstraintName: string): PropertyDecorator {
  const relation = ManyToOne(() => UserEntity, { onDelete: 'SET NULL' });
  const joinColumn = JoinColumn({ name: column, foreignKeyConstraintName });
  return (target, property) => {
    joinColumn(target, property);
    relation(target, property);
  };
}
