import { Controller, Get, HttpCode, HttpStatus, Logger } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../access/public.decorator';
import { Clock } from '../common/clock';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { RedisConnection } from '../redis/redis.connection';
import { HealthChecksRepository } from './health-checks.repository';
import { notReady } from './health.errors';

/** How long a readiness check may take before it counts as a failure, milliseconds. */
const CHECK_TIMEOUT_MS = 3000;

type Status = { status: 'up' | 'down' };
export interface Readiness {
  /** `degraded`: the server serves, without Redis (REDIS_URL is set, Redis is down). */
  status: 'ok' | 'degraded';
  /** The checks that passed. */
  info: Record<string, Status>;
  /** The checks that failed. */
  error: Record<string, Status>;
  /** Every check. */
  details: Record<string, Status>;
}

const OK_SCHEMA = {
  type: 'object',
  properties: { status: { type: 'string', example: 'ok' } },
};

const CHECKS_SCHEMA = {
  type: 'object',
  description: 'By dependency: `database`, and `redis` when REDIS_URL is set',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
  },
};

const READY_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: {
      type: 'string',
      enum: ['ok', 'degraded'],
      description:
        '`degraded`: REDIS_URL is set but Redis is down; the server still serves, with rate limits per instance ' +
        'and revocation reaching other instances through their database checks',
    },
    info: { ...CHECKS_SCHEMA, description: 'The checks that passed' },
    error: { ...CHECKS_SCHEMA, description: 'The checks that failed' },
    details: { ...CHECKS_SCHEMA, description: 'Every check' },
  },
  example: {
    status: 'degraded',
    info: { database: { status: 'up' } },
    error: { redis: { status: 'down' } },
    details: { database: { status: 'up' }, redis: { status: 'down' } },
  },
};
const READY_DESCRIPTION =
  'Ready: the database answers and accepts writes (`status` is `degraded` while a configured Redis is down)';
const READY_SUMMARY =
  'Readiness: the database answers and accepts writes; Redis, when configured, answers (200 either way)';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly checks: HealthChecksRepository,
    private readonly clock: Clock,
    private readonly redis: RedisConnection,
  ) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Liveness: the process runs and answers (no dependency is checked)' })
  @ApiOkResponse({ description: 'Alive', schema: OK_SCHEMA })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: READY_SUMMARY })
  @ApiOkResponse({ description: READY_DESCRIPTION, schema: READY_SCHEMA })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'service_unavailable: the database does not answer or does not accept writes',
  })
  ready(): Promise<Readiness> {
    return this.readiness();
  }

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Readiness (the same answer as /health/ready)' })
  @ApiOkResponse({ description: READY_DESCRIPTION, schema: READY_SCHEMA })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'service_unavailable: the database does not answer or does not accept writes',
  })
  check(): Promise<Readiness> {
    return this.readiness();
  }

  private async readiness(): Promise<Readiness> {
    // Redis is optional: without it the server serves on (limits per instance), so it never fails readiness.
    const redis: Record<string, Status> = this.redis.configured
      ? { redis: { status: this.redis.up ? 'up' : 'down' } }
      : {};
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.checks.touch(this.clock.now()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      // The cause (driver message, path, host) is for the operator's log, not for anonymous callers.
      this.logger.warn(
        `readiness: the database failed its write check (${(error as Error).message})`,
      );
      throw notReady({ database: { status: 'down' }, ...redis });
    } finally {
      clearTimeout(timer);
    }
    const details: Record<string, Status> = { database: { status: 'up' }, ...redis };
    const info = Object.fromEntries(Object.entries(details).filter(([, c]) => c.status === 'up'));
    const error = Object.fromEntries(
      Object.entries(details).filter(([, c]) => c.status === 'down'),
    );
    const status = Object.keys(error).length > 0 ? 'degraded' : 'ok';
    return { status, info, error, details };
  }
}
