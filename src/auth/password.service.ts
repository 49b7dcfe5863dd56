import { HttpStatus, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as argon2 from 'argon2';
import type { AppConfig } from '../config';
import { ConcurrencyLimiter, QueueFullError } from '../common/concurrency-limiter';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { checkPasswordPolicy, warmPasswordPolicy } from './password-policy';

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than the configured ones. */
  needsRehash: boolean;
}

/** Hashes that may wait per hashing slot: about a second and a half of work at the OWASP parameters. */
const WAITING_PER_SLOT = 50;

/** Passwords are compared after NFKC normalisation, never truncated. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/** argon2id hashing and verification with the configured (OWASP by default) parameters. */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly settings: AppConfig['password'];
  private readonly limiter: ConcurrencyLimiter;
  private dummyHash!: string;

  constructor(config: ConfigService<AppConfig, true>) {
    this.settings = config.get('password', { infer: true });
    this.limiter = new ConcurrencyLimiter(
      this.settings.maxConcurrentHashes,
      this.settings.maxConcurrentHashes * WAITING_PER_SLOT,
    );
  }

  async onModuleInit(): Promise<void> {
    warmPasswordPolicy();
    this.dummyHash = await this.hash('portcullis-dummy-password-for-unknown-accounts');
  }

  /** Throws a 400 `weak_password` naming the rule that failed. */
  checkPolicy(password: string, email: string): void {
    checkPasswordPolicy(normalizePassword(password), email, this.settings);
  }

  hash(password: string): Promise<string> {
    return this.limited(() =>
      argon2.hash(normalizePassword(password), { type: argon2.argon2id, ...this.settings.argon2 }),
    );
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    const ok = await this.limited(() => argon2.verify(hash, normalizePassword(password)));
    return { ok, needsRehash: ok && argon2.needsRehash(hash, this.settings.argon2) };
  }

  /** Spends the same work as a real verification, for accounts that do not exist. */
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.limited(() => argon2.verify(this.dummyHash, normalizePassword(password)));
  }

  /** A full queue is an overload, not a wrong password: 503 with Retry-After, whoever the account. */
  private async limited<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(task);
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
