import { IsIn, IsString } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';
import { checkDataDir } from '../data-dir';

export const NODE_ENVS = ['development', 'production', 'test'] as const;

export class AppVariables {
  @IsIn(NODE_ENVS) @trimmed() NODE_ENV: (typeof NODE_ENVS)[number] = 'development';
  @IsString() @trimmed() DATA_DIR = 'data';
}

export const appSection = defineSection({
  variables: AppVariables,
  build: (env) => ({ env: env.NODE_ENV, dataDir: checkDataDir(env.DATA_DIR) }),
});
