import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ApiKeyCache } from './api-key.cache';
import { ApiKey } from './api-key.entity';
import { ApiKeyResolver } from './api-key.resolver';
import { ApiKeyUsageService } from './api-key-usage.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/** API keys for machine clients: the api_keys table, /api-keys, and the API-key credential resolver. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), UsersModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeyCache, ApiKeyUsageService, ApiKeysService, ApiKeyResolver],
  exports: [ApiKeyResolver, ApiKeysService],
})
export class ApiKeysModule {}
