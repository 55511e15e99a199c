import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ASYNCAPI_DOCUMENT } from '@sysponto/contracts/asyncapi';
import { Public } from '../common/decorators.js';

/**
 * The AsyncAPI 3 document of the Socket.IO and webhook events, generated from libs/contracts by `pnpm gen:api`
 * (scripts/gen-asyncapi.mjs); Swagger UI links to it. Public, like the OpenAPI document.
 */
@ApiExcludeController()
@Public()
@Controller('docs')
export class AsyncApiController {
  @Get('asyncapi.json')
  @Header('cache-control', 'no-cache')
  getAsyncApi(): typeof ASYNCAPI_DOCUMENT {
    return ASYNCAPI_DOCUMENT;
  }
}
