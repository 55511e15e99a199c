import { Global, Module } from '@nestjs/common';
import { RevocationService } from './revocation.service.js';

/** Global: users, auth, courses and the realtime gateway revoke or react to revoked access. */
@Global()
@Module({ providers: [RevocationService], exports: [RevocationService] })
export class RevocationModule {}
