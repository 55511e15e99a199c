import { Module } from '@nestjs/common';
import { ApiKeyResolver } from './api-key-resolver.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/** API keys: `/api/api-keys`, and the credential resolver the global guard uses for `spk_…` bearers. */
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeyResolver, ApiKeysService],
})
export class ApiKeysModule {}
