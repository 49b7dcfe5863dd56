import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { Clock } from './common/clock';
import { ClockModule } from './common/clock.module';
import { RolesGuard } from './common/guards/roles.guard';
import { AppThrottlerGuard } from './common/throttler/app-throttler.guard';
import { ThrottlingModule } from './common/throttler/throttling.module';
import { AppConfigModule, type AppConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

export interface AppModuleOptions {
  config: AppConfig;
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot({ config, clock }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        DatabaseModule,
        ThrottlingModule,
        SessionsModule,
        UsersModule,
        AuthModule,
        HealthModule,
      ],
      providers: [
        // Global guards, in this order: rate limit, then authentication (deny by default), then roles.
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
