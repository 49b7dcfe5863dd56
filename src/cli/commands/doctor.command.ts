import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Command, CommandRunner } from 'nest-commander';
import type { DataSource } from 'typeorm';
import {
  AppConfigModule,
  AppConfigService,
  ConfigValidationError,
  type AppConfig,
} from '../../config';
import { DEV_KEY_ENCRYPTION_FILE, KeyEncryptionService } from '../../keys/key-encryption.service';
import {
  parsePrivateKey,
  signingKeyOf,
  signingKeySealContext,
} from '../../keys/signing-key-material';
import { DEV_KEY_FILE } from '../../keys/signing-keys.service';
import { AppContextService } from '../app-context.service';
import { commandFailed } from '../cli.errors';
import { PROGRAM_NAME } from '../cli-program.service';
import { migrationStatus, openDatabase, sqliteFileMissing } from '../migrations';
import { print } from '../output';
import { endpointOf, pingRedis, verifySmtp } from '../probes';

interface CheckResult {
  ok: boolean;
  detail: string;
}

const ok = (detail: string): CheckResult => ({ ok: true, detail });
const fail = (detail: string): CheckResult => ({ ok: false, detail });
/** What went wrong, in one line: the problems of a setting, the message of anything else. */
const reason = (error: unknown): string => {
  if (error instanceof ConfigValidationError) return error.problems.join('; ');
  return error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
};

function databaseLocation(database: AppConfig['database']): string {
  if (database.kind === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * What would stop the server or its mail, one check per line (`ok` or `FAIL`, then what was found): the settings,
 * the database and its migrations, the keys, SMTP, Redis. Nothing is changed: no migration runs, no key is
 * generated, no mail is sent. Exit code 1 when any check fails.
 */
@Command({
  name: 'doctor',
  description:
    'check the settings, database, migrations, keys, SMTP and Redis (exit code 1 if one fails)',
})
export class DoctorCommand extends CommandRunner {
  private failures = 0;

  constructor(private readonly context: AppContextService) {
    super();
  }

  async run(): Promise<void> {
    this.failures = 0;
    let config: AppConfig;
    try {
      config = this.context.settings();
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      this.report('settings', fail(error.problems.join('; ')));
      throw commandFailed('1 check failed (the other checks need the settings)');
    }
    this.report('settings', ok(`${config.app.env}, DATA_DIR ${config.app.dataDir}`));
    const dataSource = await this.checkDatabase(config);
    const settings = await NestFactory.createApplicationContext(AppConfigModule.forRoot(config), {
      logger: false,
    });
    try {
      const configService = settings.get(AppConfigService);
      this.report('signing key', await this.signingKey(config, configService, dataSource));
      this.report('key-encryption key', this.keyEncryptionKey(config, configService));
    } finally {
      await settings.close();
      await dataSource?.destroy();
    }
    this.report('mail', await this.mail(config));
    this.report('redis', await this.redis(config));
    if (this.failures > 0) {
      throw commandFailed(`${this.failures} check${this.failures === 1 ? '' : 's'} failed`);
    }
  }

  private report(name: string, result: CheckResult): void {
    if (!result.ok) this.failures += 1;
    print(`${result.ok ? 'ok  ' : 'FAIL'}  ${name}: ${result.detail}`);
  }

  /**
   * Reachable, then migrated: the second check only runs when the first passed. Answers the open database when it
   * is migrated (the caller closes it), for the checks that read it.
   */
  private async checkDatabase(config: AppConfig): Promise<DataSource | undefined> {
    const where = databaseLocation(config.database);
    if (sqliteFileMissing(config.database)) {
      this.report(
        'database',
        fail(
          `${where} does not exist yet: start the server, or run \`${PROGRAM_NAME} migrate run\``,
        ),
      );
      return;
    }
    let dataSource: DataSource | undefined;
    try {
      dataSource = await openDatabase(config.database);
      await dataSource.query('SELECT 1');
    } catch (error) {
      await dataSource?.destroy().catch(() => undefined);
      this.report('database', fail(reason(error)));
      return undefined;
    }
    this.report('database', ok(`${where} answers`));
    const migrations = await this.migrations(dataSource);
    this.report('migrations', migrations);
    if (migrations.ok) return dataSource;
    await dataSource.destroy();
    return undefined;
  }

  private async migrations(dataSource: DataSource): Promise<CheckResult> {
    try {
      const { applied, pending, unknown } = await migrationStatus(dataSource);
      if (unknown.length > 0) {
        return fail(
          `applied by a newer version, unknown to this one: ${unknown.join(', ')} (is this build older than the database?)`,
        );
      }
      if (pending.length > 0) {
        return fail(
          `${pending.length} pending: ${pending.join(', ')} (the server runs them when it starts, or: ${PROGRAM_NAME} migrate run)`,
        );
      }
      return ok(`up to date (${applied.length} applied)`);
    } catch (error) {
      return fail(reason(error));
    }
  }

  /**
   * A static key is parsed as the server parses it; managed keys: the current one is read from the database and
   * opened with the key-encryption key, as the server does at start-up.
   */
  private async signingKey(
    config: AppConfig,
    configService: AppConfigService,
    dataSource: DataSource | undefined,
  ): Promise<CheckResult> {
    const configured = config.tokens.privateKey;
    try {
      if (configured) {
        const key = parsePrivateKey(configured.text, configured.source);
        const { kid, alg } = signingKeyOf(key, configured.source);
        return ok(`${alg}, kid ${kid} (${configured.source}, a static key: never rotated)`);
      }
      if (!dataSource) return fail('managed in the database, which cannot be read (see above)');
      const rows: Array<{ kid: string; alg: string; private_key: string }> = await dataSource.query(
        `SELECT kid, alg, private_key FROM signing_keys WHERE state = 'current'`,
      );
      if (rows.length === 0) {
        const devFile = join(config.app.dataDir, DEV_KEY_FILE);
        return ok(
          existsSync(devFile)
            ? `none yet: the server imports the development key ${devFile} when it starts`
            : 'none yet: the server generates one into the database when it starts',
        );
      }
      const [{ kid, alg, private_key: sealed }] = rows;
      try {
        new KeyEncryptionService(configService).open(sealed, signingKeySealContext(kid));
      } catch {
        return fail(`the current key ${kid} cannot be opened with this KEY_ENCRYPTION_KEY`);
      }
      return ok(`${alg}, kid ${kid} (managed in the database: ${PROGRAM_NAME} keys list)`);
    } catch (error) {
      return fail(reason(error));
    }
  }

  /** Loaded, and able to seal and open a value; the key itself is never shown. */
  private keyEncryptionKey(config: AppConfig, configService: AppConfigService): CheckResult {
    const configured = config.keys.keyEncryptionKey !== undefined;
    const devFile = join(config.app.dataDir, DEV_KEY_ENCRYPTION_FILE);
    if (!configured && !existsSync(devFile)) {
      return ok(`none yet: the server generates one into ${devFile} when it starts (development)`);
    }
    try {
      const service = new KeyEncryptionService(configService);
      if (service.open(service.seal('doctor', 'doctor'), 'doctor') !== 'doctor') {
        return fail('the key does not open what it sealed');
      }
      return ok(`loaded (${configured ? 'KEY_ENCRYPTION_KEY' : `development key ${devFile}`})`);
    } catch (error) {
      return fail(reason(error));
    }
  }

  private async mail(config: AppConfig): Promise<CheckResult> {
    const { smtpUrl } = config.mail;
    if (!smtpUrl) {
      return ok(
        `development outbox in ${join(config.app.dataDir, 'outbox')} (SMTP_URL is not set: mail is written there as .eml files)`,
      );
    }
    const where = `SMTP ${endpointOf(smtpUrl, smtpUrl.startsWith('smtps:') ? 465 : 587)}`;
    try {
      await verifySmtp(smtpUrl);
      return ok(`${where} answers`);
    } catch (error) {
      return fail(`${where}: ${reason(error)}`);
    }
  }

  private async redis(config: AppConfig): Promise<CheckResult> {
    const { url } = config.redis;
    if (!url) return ok('not used (REDIS_URL is not set)');
    const where = `Redis ${endpointOf(url, 6379)}`;
    try {
      await pingRedis(url);
      return ok(`${where} answers PING`);
    } catch (error) {
      return fail(`${where}: ${reason(error)}`);
    }
  }
}
