import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { needsRehash } from 'argon2';
import { QueueFullError } from '../common/concurrency-limiter';
import { AppConfigService, type AppConfig } from '../config';
import { HashingPool, HashingUnavailableError, type HashingJob } from './hashing-pool';
import { checkPasswordPolicy, warmPasswordPolicy } from './password-policy';
import { hashingBusy, hashingUnavailable } from './passwords.errors';

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than the configured ones. */
  needsRehash: boolean;
}

/** Hashes that may wait per hashing process: about a second and a half of work at the OWASP parameters. */
const WAITING_PER_PROCESS = 50;

/**
 * The password hash of an account that has no password yet (an administrator's invitation): no password matches
 * it, and checking one against it costs what a real check costs.
 */
export const NO_PASSWORD = '!';

/** Passwords are compared after NFKC normalisation, never truncated. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/** argon2id hashing and verification with the configured (OWASP by default) parameters, off the event loop. */
@Injectable()
export class PasswordService implements OnModuleInit, OnApplicationShutdown {
  private readonly settings: AppConfig['passwords'];
  private readonly pool: HashingPool;
  private dummyHash!: string;

  constructor(config: AppConfigService) {
    this.settings = config.section('passwords');
    this.pool = new HashingPool(
      this.settings.maxConcurrentHashes,
      this.settings.maxConcurrentHashes * WAITING_PER_PROCESS,
    );
  }

  async onModuleInit(): Promise<void> {
    warmPasswordPolicy();
    await this.pool.start();
    this.dummyHash = await this.hash('portcullis-dummy-password-for-unknown-accounts');
  }

  /** After the HTTP server has closed and its requests have finished: a login in flight still gets its hash. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.stop();
  }

  /** Throws a 400 `weak_password` naming the rule that failed. `email` is normalised (normalizeEmail). */
  checkPolicy(password: string, email: string): void {
    checkPasswordPolicy(normalizePassword(password), email, this.settings);
  }

  async hash(password: string): Promise<string> {
    const options = this.settings.argon2;
    return (await this.run({
      op: 'hash',
      password: normalizePassword(password),
      options,
    })) as string;
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    if (hash === NO_PASSWORD) {
      await this.verifyAgainstDummy(password);
      return { ok: false, needsRehash: false };
    }
    const ok = (await this.run({
      op: 'verify',
      hash,
      password: normalizePassword(password),
    })) as boolean;
    return { ok, needsRehash: ok && needsRehash(hash, this.settings.argon2) };
  }

  /** Spends the same work as a real verification, for accounts that do not exist. */
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.run({ op: 'verify', hash: this.dummyHash, password: normalizePassword(password) });
  }

  private async run(job: HashingJob): Promise<string | boolean> {
    try {
      return await this.pool.run(job);
    } catch (error) {
      if (error instanceof QueueFullError) throw hashingBusy();
      if (error instanceof HashingUnavailableError) throw hashingUnavailable();
      throw error;
    }
  }
}
