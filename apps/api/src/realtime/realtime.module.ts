import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../modules/auth/auth.module.js';
import { RevocationModule } from '../modules/auth/revocation.module.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeService } from './realtime.service.js';

@Global()
@Module({
  imports: [AuthModule, RevocationModule],
  providers: [RealtimeGateway, RealtimeService],
  exports: [RealtimeService],
})
export class RealtimeModule {}
