import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { RevocationModule } from '../auth/revocation.module.js';
import { ApiKeyResolver } from './api-key-resolver.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/** API keys: `/api/api-keys`, and the credential resolver the global guard uses for `spk_…` bearers. */
@Module({
  imports: [AuditModule, RevocationModule],
  controllers: [ApiKeysController],
  providers: [ApiKeyResolver, ApiKeysService],
})
export class ApiKeysModule {}
