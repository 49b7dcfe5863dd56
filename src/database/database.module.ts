import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config';
import { buildDataSourceOptions } from './data-source.options';

/** The TypeORM root connection; migrations run before the application accepts requests. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const database = config.get('database', { infer: true });
        if (database.kind === 'sqlite' && database.path !== ':memory:') {
          mkdirSync(dirname(database.path), { recursive: true });
        }
        return { ...buildDataSourceOptions(database), migrationsRun: true };
      },
    }),
  ],
})
export class DatabaseModule {}
