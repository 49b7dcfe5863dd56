import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { AuditModule } from '../audit/audit.module';
import { MfaModule } from '../mfa/mfa.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminEventsController } from './admin-events.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';

/**
 * /admin: user, session and audit administration (orchestrates users/ and sessions/, which know nothing of each
 * other). Every route needs the admin role; an API key needs admin:read or admin:write as well.
 */
@Module({
  imports: [UsersModule, SessionsModule, PasswordsModule, AccountModule, AuditModule, MfaModule],
  controllers: [AdminUsersController, AdminEventsController],
  providers: [AdminUsersService],
  exports: [AdminUsersService],
})
export class AdminModule {}
