import type { AppConfig } from './configuration';

/**
 * The validated settings, typed, one section at a time: `config.section('tokens').issuer`. A class so that it can
 * be injected by type; the config module provides the one instance, built from the settings it was given.
 */
export class AppConfigService {
  constructor(private readonly settings: AppConfig) {}

  section<Name extends keyof AppConfig>(name: Name): AppConfig[Name] {
    return this.settings[name];
  }
}
