import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminUsersService } from './admin-users.service';

/** Administration of users and their sessions (orchestrates users/ and sessions/, which know nothing of each other). */
@Module({
  imports: [UsersModule, SessionsModule],
  providers: [AdminUsersService],
  exports: [AdminUsersService],
})
export class AdminModule {}
