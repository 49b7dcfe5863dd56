import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfigService } from '../config';
import { buildDataSourceOptions } from './data-source.options';

/**
 * The TypeORM root connection, with the entities the feature modules register; migrations run before the
 * application accepts requests.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const database = config.get('database', { infer: true });
        if (database.kind === 'sqlite' && database.path !== ':memory:') {
          mkdirSync(dirname(database.path), { recursive: true });
        }
        return { ...buildDataSourceOptions(database), autoLoadEntities: true, migrationsRun: true };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options as DataSourceOptions).initialize();
        if (dataSource.options.type === 'sqlite') {
          // With WAL, NORMAL syncs at checkpoints rather than at every commit: a crash of the process loses
          // nothing, a power cut can lose the last commits. Every write costs about a millisecond less.
          await dataSource.query('PRAGMA synchronous = NORMAL');
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
