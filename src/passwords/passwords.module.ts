import { Module } from '@nestjs/common';
import { PasswordService } from './password.service';

/** Password hashing (argon2id in a pool of child processes) and the password policy. */
@Module({
  providers: [PasswordService],
  exports: [PasswordService],
})
export class PasswordsModule {}
