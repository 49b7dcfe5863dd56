import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AccessGuard } from './access/access.guard';
import { CREDENTIAL_RESOLVERS, type CredentialResolver } from './access/credential-resolver';
import { RolesGuard } from './access/roles.guard';
import { ScopesGuard } from './access/scopes.guard';
import { AccountModule } from './account/account.module';
import { AdminModule } from './admin/admin.module';
import { ApiKeyResolver } from './api-keys/api-key.resolver';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock, SystemClock } from './common/clock';
import { AppConfigModule, type AppConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { MailModule } from './mail/mail.module';
import { OAuthModule } from './oauth/oauth.module';
import { RedisModule } from './redis/redis.module';
import { SessionsModule } from './sessions/sessions.module';
import { AppThrottlerGuard } from './throttling/app-throttler.guard';
import { ThrottlingModule } from './throttling/throttling.module';
import { AccessTokenResolver } from './tokens/access-token.resolver';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The source of "now" for everything that expires; tests pass one they can move. */
  clock?: Clock;
}

/** Provides the Clock everywhere. */
@Global()
@Module({})
class ClockModule {
  static forRoot(clock: Clock): DynamicModule {
    return {
      module: ClockModule,
      providers: [{ provide: Clock, useValue: clock }],
      exports: [Clock],
    };
  }
}

/** The composition root: every module, the global guards in order, the credential resolvers in order. */
@Module({})
export class AppModule {
  static forRoot({ config, clock = new SystemClock() }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        EventsModule,
        ScheduleModule.forRoot(),
        DatabaseModule,
        RedisModule,
        MailModule,
        ThrottlingModule,
        UsersModule,
        SessionsModule,
        KeysModule,
        TokensModule,
        AuthModule,
        AccountModule,
        AuditModule,
        ApiKeysModule,
        AdminModule,
        OAuthModule,
        HealthModule,
      ],
      providers: [
        // Who may call: the first resolver that recognises a request's credential decides. A new kind of
        // credential is one more resolver here; the guard and the controllers do not change.
        {
          provide: CREDENTIAL_RESOLVERS,
          // API keys first: a `Bearer pck_…` credential is a key, not an access token.
          inject: [ApiKeyResolver, AccessTokenResolver],
          useFactory: (...resolvers: CredentialResolver[]) => resolvers,
        },
        // Global guards, in this order: rate limit, then authentication (deny by default), then roles, then
        // scopes (API keys reach only the routes that list the scopes they hold).
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_GUARD, useClass: ScopesGuard },
      ],
    };
  }
}
