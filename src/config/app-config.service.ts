import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './configuration';

/**
 * The validated settings, typed: `config.get('tokens', { infer: true })`. A class rather than a type alias so that
 * it can be injected by type; the config module provides it as the ConfigService itself.
 */
@Injectable()
export class AppConfigService extends ConfigService<AppConfig, true> {}
