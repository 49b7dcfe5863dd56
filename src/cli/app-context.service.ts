import {
  Inject,
  Injectable,
  type DynamicModule,
  type INestApplicationContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type AppConfig } from '../config';
import { PinoNestLogger } from '../http/logger';
import { createCliLogger } from './cli-logger';

/** The application's root module for some settings: AppModule.forRoot, handed in by src/cli.ts. */
export const APPLICATION_MODULE = Symbol('APPLICATION_MODULE');
export type ApplicationModuleFactory = (config: AppConfig) => DynamicModule;

/**
 * The application, for the commands that act on it: the same settings and modules as the server (the database and
 * its migrations, the services, the event listeners that write the audit trail and queue mail), without an HTTP
 * listener. It is booted only when a command needs it, so that `--help`, a usage error, `migrate` (which must not
 * migrate on boot) and `doctor` (which reports what would stop a boot) work without it.
 */
@Injectable()
export class AppContextService {
  private config?: AppConfig;

  constructor(
    @Inject(APPLICATION_MODULE) private readonly applicationModule: ApplicationModuleFactory,
  ) {}

  /** The validated settings, read once (environment and `.env`, as the server reads them). */
  settings(): AppConfig {
    this.config ??= loadConfig();
    return this.config;
  }

  /**
   * Boots the application, runs `work` in it, and closes it whatever happens: the hashing processes, scheduled jobs,
   * the outbox worker and the database connection all stop, so the process can end. Mail queued meanwhile stays in
   * the outbox for the server to send.
   */
  async run<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
    const config = this.settings();
    const app = await NestFactory.createApplicationContext(this.applicationModule(config), {
      logger: new PinoNestLogger(createCliLogger(config.logging)),
      abortOnError: false,
    });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }
}
