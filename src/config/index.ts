import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './configuration';

export * from './configuration';
export { ConfigValidationError } from './env.validation';
export { AppConfigModule } from './config.module';

/** Settings, typed: `config.get('jwt', { infer: true })`. */
export type AppConfigService = ConfigService<AppConfig, true>;
