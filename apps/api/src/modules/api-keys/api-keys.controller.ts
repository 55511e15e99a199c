import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { IdempotencyRedact } from '../idempotency/idempotency.decorators.js';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('api-keys')
@Controller('api-keys')
@Roles(UserRole.Admin, UserRole.Teacher)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @IdempotencyRedact('token')
  @ApiOperation({
    summary: 'Create an API key (admins and teachers). The token is shown only in this answer.',
    description:
      'The key acts as you, narrowed to its scopes: send it as `Authorization: Bearer spk_…`. A request outside its ' +
      'scopes is 403 `auth/insufficient-scope` naming the scope. Each key may make API_KEY_RATE_LIMIT_PER_MINUTE ' +
      'requests a minute (600 by default; `RateLimit-Policy` / `RateLimit` headers, 429 with Retry-After beyond).',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiAuth(400)
  createApiKey(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(user, body);
  }

  @Get()
  @ApiOperation({ summary: 'My API keys (admins: every key, with its owner). Tokens are never listed.' })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiAuth()
  async listApiKeys(@CurrentUser() user: AuthUser): Promise<ApiKeyListDto> {
    return { items: await this.keys.list(user) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: refused within a second on every replica.' })
  @ApiNoContentResponse()
  @ApiAuth(404)
  async revokeApiKey(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<void> {
    await this.keys.revoke(user, id);
  }
}
