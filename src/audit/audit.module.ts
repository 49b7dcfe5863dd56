import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRetentionJob } from './audit-retention.job';
import { AuditController } from './audit.controller';
import { AuditListener } from './audit.listener';
import { AuditService } from './audit.service';
import { AuthEvent } from './auth-event.entity';
import { AuthEventsRepository } from './auth-events.repository';

/** The audit trail: every domain event stored in auth_events, GET /users/me/events, the retention job. */
@Module({
  imports: [TypeOrmModule.forFeature([AuthEvent])],
  controllers: [AuditController],
  providers: [AuthEventsRepository, AuditListener, AuditService, AuditRetentionJob],
  exports: [AuditService],
})
export class AuditModule {}
