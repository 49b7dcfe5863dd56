import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import { toDataURL } from 'qrcode';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config';
import { TransactionRunner } from '../database/transaction-runner';
import { KeyEncryptionService } from '../keys/key-encryption.service';
import { mfaAlreadyEnabled, mfaSetupRequired } from './mfa.errors';
import { MfaRepository } from './mfa.repository';
import { newRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import type { TotpFactor } from './totp-factor.entity';

/** RFC 6238 as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Codes of one step either side are accepted (clock drift between the phone and the server). */
const WINDOW = 1;

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

/** Which second factor a code proved: a TOTP code (`otp`) or a recovery code (`rcv`), as in the `amr` claim. */
export type SecondFactor = 'otp' | 'rcv';

/**
 * Two-factor sign-in: TOTP secrets (sealed at rest with KEY_ENCRYPTION_KEY, bound to their user) and single-use
 * recovery codes (keyed hashes only). Checking a password, counting failures and telling the user are the callers'
 * business (auth/ and account/); this service answers whether a code is good, and accepts each code once.
 */
@Injectable()
export class MfaService {
  private readonly issuer: string;

  constructor(
    private readonly factors: MfaRepository,
    private readonly sealing: KeyEncryptionService,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.issuer = config.section('mail').appName;
  }

  isEnabled(userId: string): Promise<boolean> {
    return this.factors.isEnabled(userId);
  }

  enabledAmong(userIds: string[]): Promise<Set<string>> {
    return this.factors.enabledAmong(userIds);
  }

  /** A new secret for the user's authenticator app; two-factor is on only once `enable` has seen a code of it. */
  async beginSetup(user: { id: string; email: string }): Promise<TotpSetup> {
    const secret = new Secret({ size: 20 });
    const stored = await this.factors.saveSetup({
      userId: user.id,
      secret: this.sealing.seal(secret.base32, context(user.id)),
      createdAt: this.clock.now(),
      enabledAt: null,
      lastUsedStep: null,
    });
    if (!stored) throw mfaAlreadyEnabled();
    const otpauthUrl = this.totp(secret, user.email).toString();
    return { secret: secret.base32, otpauthUrl, qrCode: await toDataURL(otpauthUrl) };
  }

  /**
   * Turns two-factor on with a first code of the secret being set up; answers the recovery codes (shown once), or
   * null when the code is wrong.
   */
  async enable(userId: string, code: string): Promise<string[] | null> {
    const factor = await this.factors.findFactor(userId);
    if (!factor) throw mfaSetupRequired();
    if (factor.enabledAt !== null) throw mfaAlreadyEnabled();
    if (!(await this.acceptTotp(factor, code, false))) return null;
    const codes = this.newCodes(userId);
    const enabled = await this.transactions.run(async (manager) => {
      if (!(await this.factors.enable(userId, this.clock.now(), manager))) return false;
      await this.factors.replaceCodes(userId, codes.rows, manager);
      return true;
    });
    if (!enabled) throw mfaAlreadyEnabled();
    return codes.plain;
  }

  /**
   * Whether `code` is a good second factor of the user now: a TOTP code not used before, or an unused recovery
   * code (which is then used up). Null for anything else, two-factor being off included.
   */
  async verify(userId: string, code: string): Promise<SecondFactor | null> {
    const factor = await this.factors.findFactor(userId);
    if (!factor || factor.enabledAt === null) return null;
    if (/^\d{6}$/.test(code)) return (await this.acceptTotp(factor, code, true)) ? 'otp' : null;
    const recovery = normalizeRecoveryCode(code);
    if (!recovery) return null;
    const used = await this.factors.useCode(
      userId,
      this.sealing.keyedHash(recovery),
      this.clock.now(),
    );
    return used ? 'rcv' : null;
  }

  /** New recovery codes in place of the old ones (shown once). */
  async regenerateRecoveryCodes(userId: string): Promise<string[]> {
    const codes = this.newCodes(userId);
    await this.transactions.run((manager) =>
      this.factors.replaceCodes(userId, codes.rows, manager),
    );
    return codes.plain;
  }

  unusedRecoveryCodes(userId: string): Promise<number> {
    return this.factors.countUnusedCodes(userId);
  }

  /** Turns two-factor off (secret and recovery codes go). True when it was on or being set up. */
  remove(userId: string): Promise<boolean> {
    return this.transactions.run((manager) => this.factors.remove(userId, manager));
  }

  /** Checks a TOTP code against the factor, then claims its step so that the code works once. */
  private async acceptTotp(factor: TotpFactor, code: string, enabled: boolean): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const secret = Secret.fromBase32(this.sealing.open(factor.secret, context(factor.userId)));
    const timestamp = this.clock.now();
    const delta = this.totp(secret).validate({ token: code, timestamp, window: WINDOW });
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
    return this.factors.claimStep(factor.userId, step, enabled);
  }

  private totp(secret: Secret, label = ''): TOTP {
    return new TOTP({
      issuer: this.issuer,
      label,
      algorithm: 'SHA1',
      digits: DIGITS,
      period: PERIOD_SECONDS,
      secret,
    });
  }

  private newCodes(userId: string) {
    const now = this.clock.now();
    const plain = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const rows = plain.map((code) => ({
      id: randomUUID(),
      userId,
      codeHash: this.sealing.keyedHash(normalizeRecoveryCode(code)!),
      createdAt: now,
      usedAt: null,
    }));
    return { plain, rows };
  }
}

/** What a sealed secret is bound to: a secret copied to another user's row does not open. */
const context = (userId: string) => `totp:${userId}`;
