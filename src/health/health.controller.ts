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
import { HealthChecksRepository } from './health-checks.repository';
import { notReady } from './health.errors';

/** How long a readiness check may take before it counts as a failure, milliseconds. */
const CHECK_TIMEOUT_MS = 3000;

type Status = { status: 'up' | 'down' };
export interface Readiness {
  status: 'ok';
  info: Record<string, Status>;
  error: Record<string, Status>;
  details: Record<string, Status>;
}

const OK_SCHEMA = {
  type: 'object',
  properties: { status: { type: 'string', example: 'ok' } },
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly checks: HealthChecksRepository,
    private readonly clock: Clock,
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
  @ApiOperation({ summary: 'Readiness: the database answers and accepts writes' })
  @ApiOkResponse({ description: 'Ready', schema: OK_SCHEMA })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'service_unavailable' })
  ready(): Promise<Readiness> {
    return this.readiness();
  }

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Readiness (the same answer as /health/ready)' })
  @ApiOkResponse({ description: 'Ready', schema: OK_SCHEMA })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'service_unavailable' })
  check(): Promise<Readiness> {
    return this.readiness();
  }

  private async readiness(): Promise<Readiness> {
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
      throw notReady({ database: { status: 'down' } });
    } finally {
      clearTimeout(timer);
    }
    const up = { database: { status: 'up' as const } };
    return { status: 'ok', info: up, error: {}, details: up };
  }
}
