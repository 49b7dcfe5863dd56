import { HttpStatus, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { needsRehash } from 'argon2';
import type { AppConfig } from '../config';
import { QueueFullError } from '../common/concurrency-limiter';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { HashingPool, type HashingJob } from './hashing-pool';
import { checkPasswordPolicy, warmPasswordPolicy } from './password-policy';

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than the configured ones. */
  needsRehash: boolean;
}

/** Hashes that may wait per hashing process: about a second and a half of work at the OWASP parameters. */
const WAITING_PER_PROCESS = 50;

/** Passwords are compared after NFKC normalisation, never truncated. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/** argon2id hashing and verification with the configured (OWASP by default) parameters, off the event loop. */
@Injectable()
export class PasswordService implements OnModuleInit, OnApplicationShutdown {
  private readonly settings: AppConfig['password'];
  private readonly pool: HashingPool;
  private dummyHash!: string;

  constructor(config: ConfigService<AppConfig, true>) {
    this.settings = config.get('password', { infer: true });
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

  /** Throws a 400 `weak_password` naming the rule that failed. */
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

  /** A full queue is an overload, not a wrong password: 503 with Retry-After, whoever the account. */
  private async run(job: HashingJob): Promise<string | boolean> {
    try {
      return await this.pool.run(job);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      throw new AppException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.ServiceUnavailable,
        'too many password checks are in progress; retry in a moment',
        { retryAfter: 1 },
      );
    }
  }
}
