import { Module } from '@nestjs/common';
import { RevocationService } from './revocation.service.js';

/** Imported by users, auth, courses and realtime, which revoke access or react to revoked access. */
@Module({ providers: [RevocationService], exports: [RevocationService] })
export class RevocationModule {}
