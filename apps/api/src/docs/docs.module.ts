import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller.js';

/** Machine-readable documents served beside Swagger UI (`/api/docs`): the AsyncAPI document. */
@Module({ controllers: [AsyncApiController] })
export class DocsModule {}
