import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthCheck } from './health-check.entity';
import { HealthChecksRepository } from './health-checks.repository';
import { HealthController } from './health.controller';

/** GET /health/live, /health/ready and /health (readiness). */
@Module({
  imports: [TypeOrmModule.forFeature([HealthCheck])],
  controllers: [HealthController],
  providers: [HealthChecksRepository],
})
export class HealthModule {}
