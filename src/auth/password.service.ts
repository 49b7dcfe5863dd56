import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as argon2 from 'argon2';
import type { AppConfig } from '../config';
import { ConcurrencyLimiter } from '../common/concurrency-limiter';
import { checkPasswordPolicy, warmPasswordPolicy } from './password-policy';

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than the configured ones. */
  needsRehash: boolean;
}

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
    this.limiter = new ConcurrencyLimiter(this.settings.maxConcurrentHashes);
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
    return this.limiter.run(() =>
      argon2.hash(normalizePassword(password), { type: argon2.argon2id, ...this.settings.argon2 }),
    );
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    const ok = await this.limiter.run(() => argon2.verify(hash, normalizePassword(password)));
    return { ok, needsRehash: ok && argon2.needsRehash(hash, this.settings.argon2) };
  }

  /** Spends the same work as a real verification, for accounts that do not exist. */
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.limiter.run(() => argon2.verify(this.dummyHash, normalizePassword(password)));
  }
}
