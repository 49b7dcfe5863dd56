export * from './configuration';
export { AppConfigService } from './app-config.service';
export { AppConfigModule } from './config.module';
export { ConfigValidationError } from './config-validation.error';
