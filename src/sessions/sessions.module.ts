import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { Session } from './session.entity';
import { SessionsCleanupJob } from './sessions-cleanup.job';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Sessions and refresh tokens: opened by auth, checked by tokens on every request, revoked by auth and admin. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, RefreshToken])],
  controllers: [SessionsController],
  providers: [SessionsRepository, RefreshTokensRepository, SessionsService, SessionsCleanupJob],
  exports: [SessionsService],
})
export class SessionsModule {}
