import { Check, Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { ActingUserRelation, UserEntity } from '../users/user.entity.js';

/**
 * Where the room is, for the in-room check: set from the teacher's device (`POST /api/sessions/:id/location`),
 * replaced on each call, deleted when the session closes. Students' coordinates are never stored anywhere.
 */
@Entity({ name: 'session_location_anchors' })
@Check('session_location_anchors_latitude_check', `"latitude" BETWEEN -90 AND 90`)
@Check('session_location_anchors_longitude_check', `"longitude" BETWEEN -180 AND 180`)
@Check('session_location_anchors_accuracy_check', `"accuracy_meters" >= 0`)
export class SessionLocationAnchorEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'session_location_anchors_pkey' })
  sessionId: string;

  @Column({ type: 'double precision' })
  latitude: number;

  @Column({ type: 'double precision' })
  longitude: number;

  /** The teacher's device's accuracy radius (metres, 95 % as browsers report it). */
  @Column({ name: 'accuracy_meters', type: 'double precision' })
  accuracyMeters: number;

  @Column({ name: 'set_by', type: 'uuid', nullable: true })
  setBy: string | null;

  @CreateDateColumn({ name: 'set_at', type: 'timestamptz' })
  setAt: Date;

  @OneToOne(() => ClassSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'session_location_anchors_session_id_fkey' })
  session?: ClassSessionEntity;

  @ActingUserRelation('set_by', 'session_location_anchors_set_by_fkey')
  setter?: UserEntity;
}
