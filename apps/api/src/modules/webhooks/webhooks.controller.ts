import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { IdempotencyRedact } from '../idempotency/idempotency.decorators.js';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookListDto,
} from './webhooks.dto.js';
import { WebhooksService } from './webhooks.service.js';

const SIGNING =
  'Each delivery is a POST of `{type, timestamp, data}` signed per the Standard Webhooks specification: headers ' +
  '`webhook-id` (the same on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature` ' +
  '(`v1,<base64 HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>`). See docs/integrations.md.';

@ApiTags('webhooks')
@Controller('webhooks')
@Roles(UserRole.Admin)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @IdempotencyRedact('secret')
  @ApiOperation({
    summary: 'Register a webhook endpoint (admins). The secret is shown only in this answer.',
    description:
      `${SIGNING} The URL must be http(s) and resolve to a public address (\`webhooks/url-forbidden\`), unless the server ` +
      'runs with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true. Redirects are never followed.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiAuth(400)
  createWebhook(@CurrentUser() user: AuthUser, @Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(user, body);
  }

  @Get()
  @ApiOperation({ summary: 'Every webhook endpoint (admins); secrets are never listed.' })
  @ApiOkResponse({ type: WebhookListDto })
  @ApiAuth()
  async listWebhooks(): Promise<WebhookListDto> {
    return { items: await this.webhooks.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook endpoint.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiAuth(404)
  getWebhook(@Param('id', ParseId) id: string): Promise<WebhookDto> {
    return this.webhooks.findOne(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook endpoint: URL, events, description, or enable/disable it.',
    description: 'Enabling a disabled endpoint resets its failure count; its pending deliveries resume in order.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiAuth(400, 404)
  updateWebhook(@Param('id', ParseId) id: string, @Body() body: UpdateWebhookDto): Promise<WebhookDto> {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery history.' })
  @ApiNoContentResponse()
  @ApiAuth(404)
  async deleteWebhook(@Param('id', ParseId) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a `webhook.test` event to this endpoint now.',
    description: 'Queued and delivered like any event (signed, retried); follow it in the deliveries.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiAuth(404, 409)
  testWebhook(@Param('id', ParseId) id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.sendTest(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'Deliveries to this endpoint, newest first: event, attempts, status code, duration, error, next retry.',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiAuth(400, 404)
  listWebhookDeliveries(
    @Param('id', ParseId) id: string,
    @Query() query: WebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveryPage(id, query);
  }
}

@ApiTags('webhooks')
@Controller('webhook-deliveries')
@Roles(UserRole.Admin)
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again now, with the same webhook-id (a failed one, or one waiting for its next retry).',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiAuth(404, 409)
  retryWebhookDelivery(@Param('id', ParseId) id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.retry(id);
  }
}
