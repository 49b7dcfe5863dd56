import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Algorithm } from 'jsonwebtoken';
import { Clock } from '../common/clock';
import { StartupError } from '../common/errors/startup.error';
import { AppConfigService } from '../config';
import { NoticeBus } from '../redis/notice.bus';
import { KeyEncryptionService } from './key-encryption.service';
import { KEYS_CHANGED } from './keys.notices';
import { SigningKeyRow, type SigningKeyState } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import {
  generateSigningKey,
  parsePrivateKey,
  privatePemOf,
  publicJwkOf,
  signingKeyOf,
  signingKeySealContext,
  type PublicJwk,
  type SigningAlgorithm,
  type SigningKey,
} from './signing-key-material';

export type { PublicJwk, SigningKey } from './signing-key-material';

/** The development key file of earlier versions: imported into the database on first start, then unused. */
export const DEV_KEY_FILE = 'jwt-signing-key.pem';

/** How often an instance reads the key table (rotations by others, retirements, automatic rotation), ms. */
export const KEY_REFRESH_INTERVAL_MS = 5000;

/** Clock skew tolerated by verifiers: a previous key is published this long past the last token it could sign. */
const LEEWAY_SECONDS = 60;

/** One key as `keys list` shows it. */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  state: SigningKeyState;
  createdAt: number;
  activatedAt: number | null;
  deactivatedAt: number | null;
  retiredAt: number | null;
}

interface KeySet {
  signing: Required<SigningKey>;
  activatedAt: number;
  byKid: Map<string, SigningKey>;
  algorithms: Algorithm[];
  jwks: { keys: PublicJwk[] };
  /** A strong validator of the JWKS body (RFC 9110 section 8.8.3). */
  etag: string;
}

const PUBLISHED: SigningKeyState[] = ['current', 'next', 'previous'];

function keySetOf(
  signing: Required<SigningKey>,
  published: SigningKey[],
  activatedAt: number,
): KeySet {
  const jwks = { keys: published.map(publicJwkOf) };
  return {
    signing,
    activatedAt,
    byKid: new Map(published.map((key) => [key.kid, key])),
    algorithms: [...new Set(published.map((key) => key.alg))],
    jwks,
    etag: `"${createHash('sha256').update(JSON.stringify(jwks)).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * The keys access tokens are signed and verified with.
 *
 * Managed (the default): keys live in the database, private parts sealed with KEY_ENCRYPTION_KEY. One key is
 * `current` and signs; one is `next`, published ahead so that every verifier knows it before it signs; `previous`
 * keys stay published until every token they signed has expired, then retire. A rotation promotes next to current
 * in one transaction whose first statement is conditional, so that of several instances rotating at once one wins;
 * every instance reads the table every few seconds, and at once on a KEYS_CHANGED notice (with REDIS_URL). Static: JWT_PRIVATE_KEY(_FILE), one
 * operator-managed key that never rotates.
 */
@Injectable()
export class SigningKeysService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(SigningKeysService.name);
  private keys?: KeySet;
  /** Public (and the current private) KeyObjects by kid, built once per key. */
  private objects = new Map<string, SigningKey>();
  private readonly staticSource?: string;
  private readonly rotationInterval: number;
  private readonly accessTokenTtl: number;
  private readonly dataDir: string;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private refreshFailing = false;

  constructor(
    private readonly rows: SigningKeysRepository,
    private readonly encryption: KeyEncryptionService,
    private readonly clock: Clock,
    private readonly notices: NoticeBus,
    config: AppConfigService,
  ) {
    const configured = config.section('tokens').privateKey;
    this.rotationInterval = config.section('keys').rotationInterval;
    this.accessTokenTtl = config.section('tokens').accessTokenTtl;
    this.dataDir = config.section('app').dataDir;
    if (configured) {
      const key = signingKeyOf(
        parsePrivateKey(configured.text, configured.source),
        configured.source,
      );
      this.staticSource = configured.source;
      this.keys = keySetOf(key, [key], 0);
    }
  }

  /** Whether keys are managed in the database (false: a static JWT_PRIVATE_KEY). */
  get managed(): boolean {
    return this.staticSource === undefined;
  }

  /** The key new access tokens are signed with. */
  get signing(): Required<SigningKey> {
    return this.loaded().signing;
  }

  /** The verification key for a token's `kid` (current, next or previous), or undefined when the key is unknown. */
  verificationKey(kid: unknown): SigningKey | undefined {
    return typeof kid === 'string' ? this.loaded().byKid.get(kid) : undefined;
  }

  get algorithms(): Algorithm[] {
    return this.loaded().algorithms;
  }

  /** The published keys and the validator of that exact body. */
  get jwks(): { body: { keys: PublicJwk[] }; etag: string } {
    const { jwks, etag } = this.loaded();
    return { body: jwks, etag };
  }

  async onModuleInit(): Promise<void> {
    if (!this.managed) return;
    await this.ensureKeys();
    await this.reload();
  }

  onApplicationBootstrap(): void {
    if (!this.managed) return;
    this.timer = setInterval(() => void this.refresh(), KEY_REFRESH_INTERVAL_MS).unref();
    // Another instance (or the CLI) rotated: read the table at once, not at the next periodic read.
    this.notices.subscribe(KEYS_CHANGED, () => void this.refresh());
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Reads the key table again: retires previous keys whose tokens have all expired, rotates when
   * KEY_ROTATION_INTERVAL says it is time, and picks up what other instances did. Runs every few seconds; a failure
   * (the database is down) keeps the keys this instance has, and is logged once until it passes.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Promotes `next` to `current` and makes a new `next`; the old current key keeps verifying as `previous`. With
   * `onlyIfCurrent`, nothing happens unless that key is still current (an automatic rotation that another instance
   * has done already). Answers the kid that signs from now on, or undefined when nothing was rotated.
   */
  async rotate(onlyIfCurrent?: string): Promise<string | undefined> {
    if (!this.managed) {
      throw new Error(
        `the signing key is set by ${this.staticSource}: rotate it by publishing a new key there (unset it to let the server manage and rotate keys)`,
      );
    }
    const now = this.clock.now();
    const kid = await this.rows.rotate(
      now,
      onlyIfCurrent,
      () => this.rowOf(generateSigningKey(), 'current', now),
      () => this.rowOf(generateSigningKey(), 'next', now),
    );
    if (kid) {
      this.logger.log(`rotated the signing key: ${kid} signs from now on`);
      await this.reload();
      await this.notices.publish(KEYS_CHANGED, { current: kid });
    }
    return kid;
  }

  /** Every key the table holds, newest first (with a static key: that key alone). */
  async list(): Promise<SigningKeyInfo[]> {
    if (!this.managed) {
      const { kid, alg } = this.signing;
      return [
        {
          kid,
          alg,
          state: 'current',
          createdAt: 0,
          activatedAt: null,
          deactivatedAt: null,
          retiredAt: null,
        },
      ];
    }
    const rows = await this.rows.findAll();
    return rows.map(({ kid, alg, state, createdAt, activatedAt, deactivatedAt, retiredAt }) => ({
      kid,
      alg,
      state,
      createdAt,
      activatedAt,
      deactivatedAt,
      retiredAt,
    }));
  }

  private loaded(): KeySet {
    if (!this.keys) throw new Error('the signing keys are not loaded yet');
    return this.keys;
  }

  private async refreshOnce(): Promise<void> {
    try {
      const now = this.clock.now();
      await this.retireExpired(now);
      const keys = this.loaded();
      if (this.rotationInterval > 0 && keys.activatedAt + this.rotationInterval * 1000 <= now) {
        await this.rotate(keys.signing.kid);
      }
      await this.reload();
      if (this.refreshFailing) this.logger.log('the signing keys are read from the database again');
      this.refreshFailing = false;
    } catch (error) {
      if (!this.refreshFailing) {
        this.logger.warn(
          `cannot read the signing keys (${(error as Error).message}); signing and verifying with the ones loaded`,
        );
      }
      this.refreshFailing = true;
    }
  }

  /** On first start: a current key (the development key file of an earlier version if there is one) and a next. */
  private async ensureKeys(): Promise<void> {
    const now = this.clock.now();
    const existing = await this.rows.findInStates(['current', 'next']);
    if (!existing.some((row) => row.state === 'current')) {
      const file = join(this.dataDir, DEV_KEY_FILE);
      const imported = existsSync(file)
        ? signingKeyOf(parsePrivateKey(readFileSync(file, 'utf8'), file), file)
        : undefined;
      const row = this.rowOf(imported ?? generateSigningKey(), 'current', now);
      if (await this.rows.insertUnlessTaken(row)) {
        this.logger.log(
          imported
            ? `imported the signing key ${file} into the database (tokens it signed stay valid)`
            : 'generated a signing key (kept in the database, sealed with the key-encryption key)',
        );
      }
    }
    if (!existing.some((row) => row.state === 'next')) {
      await this.rows.insertUnlessTaken(this.rowOf(generateSigningKey(), 'next', now));
    }
  }

  private async retireExpired(now: number): Promise<void> {
    const lastToken = now - (this.accessTokenTtl + LEEWAY_SECONDS) * 1000;
    await this.rows.retireStoppedBefore(lastToken, now);
  }

  /** Builds the key set from the table; KeyObjects of keys seen before are reused. */
  private async reload(): Promise<void> {
    const rows = await this.rows.findInStates(PUBLISHED);
    const current = rows.find((row) => row.state === 'current');
    if (!current) throw new Error('no current signing key in the database');
    const objects = new Map<string, SigningKey>();
    for (const row of rows) {
      objects.set(row.kid, this.objects.get(row.kid) ?? this.keyOf(row));
    }
    let signing = objects.get(current.kid)!;
    if (!signing.privateKey) {
      signing = { ...signing, privateKey: this.openPrivateKey(current) };
      objects.set(current.kid, signing);
    }
    const order = (row: SigningKeyRow) => PUBLISHED.indexOf(row.state);
    const published = [...rows]
      .sort((a, b) => order(a) - order(b))
      .map((row) => objects.get(row.kid)!);
    const before = this.keys?.signing.kid;
    this.objects = objects;
    this.keys = keySetOf(
      signing as Required<SigningKey>,
      published,
      current.activatedAt ?? current.createdAt,
    );
    if (before && before !== current.kid)
      this.logger.log(`signing with key ${current.kid} from now on`);
  }

  private keyOf(row: SigningKeyRow): SigningKey {
    const publicKey = createPublicKey({ key: JSON.parse(row.publicJwk) as never, format: 'jwk' });
    return { kid: row.kid, alg: row.alg as SigningAlgorithm, publicKey };
  }

  private openPrivateKey(row: SigningKeyRow): NonNullable<SigningKey['privateKey']> {
    try {
      return createPrivateKey(
        this.encryption.open(row.privateKey ?? '', signingKeySealContext(row.kid)),
      );
    } catch {
      throw new StartupError(
        `the current signing key ${row.kid} cannot be opened with this KEY_ENCRYPTION_KEY: set the key it was sealed with (or, to start over, delete the rows of signing_keys: every issued token dies)`,
      );
    }
  }

  private rowOf(key: Required<SigningKey>, state: SigningKeyState, now: number): SigningKeyRow {
    return Object.assign(new SigningKeyRow(), {
      kid: key.kid,
      alg: key.alg,
      state,
      publicJwk: JSON.stringify(publicJwkOf(key)),
      privateKey: this.encryption.seal(
        privatePemOf(key.privateKey),
        signingKeySealContext(key.kid),
      ),
      createdAt: now,
      activatedAt: state === 'current' ? now : null,
      deactivatedAt: null,
      retiredAt: null,
    });
  }
}
