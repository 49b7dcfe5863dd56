import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config';
import { buildDataSourceOptions } from './src/database/data-source.options';

/** The DataSource the TypeORM CLI uses (npm run migration:run|revert|generate): same options as the app. */
export default new DataSource(
  buildDataSourceOptions(loadConfig().database, [join(__dirname, 'src', '**', '*.entity.ts')]),
);
