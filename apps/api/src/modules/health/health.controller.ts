import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../../common/core.module.js';
import { Public } from '../../common/decorators.js';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status: 'ok' | 'degraded' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) database: 'up' | 'down';
  /** Absent when Redis is not configured. Redis down leaves REST working, so the status is only "degraded". */
  @ApiPropertyOptional({ enum: ['up', 'down'] }) redis?: 'up' | 'down';
  @ApiProperty({ enum: ['postgres', 'embedded'] }) databaseMode: 'postgres' | 'embedded';
  @ApiProperty() uptimeSeconds: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Database and Redis reachability. 200 when the database answers, 503 when it does not.' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto })
  async getHealth(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const database = await withTimeout(this.dataSource.query('SELECT 1'), 2000).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const redis = this.redis
      ? await withTimeout(this.redis.ping(), 1000).then(
          () => 'up' as const,
          () => 'down' as const,
        )
      : undefined;
    const status = database === 'down' ? 'down' : redis === 'down' ? 'degraded' : 'ok';
    if (database === 'down') void reply.status(503);
    const opts = this.dataSource.options as { url?: string };
    return {
      status,
      database,
      ...(redis ? { redis } : {}),
      databaseMode: opts.url ? 'postgres' : 'embedded',
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
