import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AfterAnswer } from '../common/after-answer';
import { MfaModule } from '../mfa/mfa.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccountMeController } from './account-me.controller';
import { AccountPagesController } from './account-pages.controller';
import { AccountController } from './account.controller';
import { CredentialsService } from './credentials.service';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';
import { TwoFactorController } from './two-factor.controller';
import { TwoFactorService } from './two-factor.service';

/**
 * The account lifecycle: email verification, password forgot/reset/change, email change, account deletion, and
 * the pages mailed links open.
 */
@Module({
  imports: [UsersModule, PasswordsModule, SessionsModule, TokensModule, AuthModule, MfaModule],
  controllers: [
    AccountController,
    AccountMeController,
    AccountPagesController,
    TwoFactorController,
  ],
  providers: [
    AfterAnswer,
    EmailVerificationService,
    PasswordResetService,
    CredentialsService,
    TwoFactorService,
  ],
  exports: [PasswordResetService],
})
export class AccountModule {}
