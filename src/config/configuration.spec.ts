import { availableParallelism } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { buildConfig } from './configuration';

const sut = (env: Record<string, string | undefined> = {}) => buildConfig(env);

/** 32 bytes, base64. */
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  describe('defaults', () => {
    it('matches the documented defaults', () => {
      const config = sut();
      expect(config.http).toEqual({
        host: '0.0.0.0',
        port: 3000,
        trustProxy: false,
        bodyLimit: 16384,
        requestTimeout: 10,
        maxConnections: 10000,
        docsEnabled: true,
      });
      expect(config.database).toEqual({
        kind: 'sqlite',
        url: 'sqlite:data/portcullis.sqlite',
        path: resolve('data/portcullis.sqlite'),
      });
      expect(config.tokens).toEqual({
        issuer: 'http://localhost:3000',
        audience: 'portcullis',
        accessTokenTtl: 900,
        privateKey: undefined,
      });
      expect(config.sessions).toEqual({
        refreshTokenTtl: 2592000,
        maxAge: 7776000,
        reuseGrace: 10,
      });
      expect(config.throttle).toEqual({ limit: 300, ttl: 60, loginLimit: 10 });
      expect(config.passwords.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
      expect(config.passwords).toMatchObject({ minLength: 8, maxLength: 128 });
      expect(config.logging).toEqual({ level: 'info', format: 'pretty' });
      expect(config.app).toEqual({ env: 'development', dataDir: resolve('data') });
    });

    it('keeps the SQLite file in DATA_DIR unless DATABASE_URL says otherwise', () => {
      const dataDir = join(tmpdir(), 'pc');
      expect(sut({ DATA_DIR: dataDir }).database).toMatchObject({
        path: join(dataDir, 'portcullis.sqlite'),
      });
      expect(sut({ DATABASE_URL: 'sqlite::memory:' }).database).toMatchObject({ path: ':memory:' });
      expect(sut({ DATABASE_URL: 'postgres://u@db:5432/auth' }).database).toEqual({
        kind: 'postgres',
        url: 'postgres://u@db:5432/auth',
      });
    });

    it('hashes one password per core unless ARGON2_MAX_CONCURRENCY says otherwise', () => {
      expect(sut().passwords.maxConcurrentHashes).toBe(availableParallelism());
      expect(sut({ ARGON2_MAX_CONCURRENCY: '5' }).passwords.maxConcurrentHashes).toBe(5);
    });

    it('treats empty variables as unset', () => {
      expect(sut({ PORT: '', REDIS_URL: '' })).toMatchObject({
        http: { port: 3000 },
        redis: { url: undefined, prefix: 'portcullis:' },
      });
    });
  });

  describe('NODE_ENV=production', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: 'pem',
      SMTP_URL: 'smtp://mail.example.com:587',
      KEY_ENCRYPTION_KEY: KEY,
    };

    it('logs JSON lines and hides the API docs unless told otherwise', () => {
      expect(sut(production).logging.format).toBe('json');
      expect(sut(production).http.docsEnabled).toBe(false);
      expect(sut({ ...production, LOG_FORMAT: 'pretty', DOCS_ENABLED: 'true' })).toMatchObject({
        logging: { format: 'pretty' },
        http: { docsEnabled: true },
      });
    });
  });

  describe('DATA_DIR', () => {
    it.each([
      ['/proc/self', /kernel or device file system/],
      ['/dev/shm/portcullis', /kernel or device file system/],
    ])('refuses %p', (dataDir, message) => {
      expect(() => sut({ DATA_DIR: dataDir })).toThrow(message);
    });

    it('refuses a file, or a folder below a file, naming the path', () => {
      const folder = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
      const file = join(folder, 'a-file');
      writeFileSync(file, 'x');
      expect(() => sut({ DATA_DIR: file })).toThrow(/DATA_DIR exists but is not a folder/);
      expect(() => sut({ DATA_DIR: join(file, 'data') })).toThrow(
        new RegExp(`DATA_DIR cannot be created: ${file} is a file`),
      );
    });

    it('accepts a folder that does not exist yet, and changes nothing', () => {
      const folder = join(mkdtempSync(join(tmpdir(), 'portcullis-config-')), 'new', 'data');
      expect(sut({ DATA_DIR: folder }).app.dataDir).toBe(folder);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['true', 1],
      ['false', false],
      ['2', 2],
      ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ])('reads %p', (value, expected) => {
      expect(sut({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
    });
  });

  describe('validation', () => {
    it.each([
      ['PORT', 'http'],
      ['PORT', '70000'],
      ['ACCESS_TOKEN_TTL', '5'],
      ['REFRESH_REUSE_GRACE', '-1'],
      ['THROTTLE_LIMIT', '0'],
      ['TRUST_PROXY', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['LOG_FORMAT', 'xml'],
      ['REQUEST_TIMEOUT', '0'],
      ['DOCS_ENABLED', 'yes'],
      ['NODE_ENV', 'staging'],
      ['DATABASE_URL', 'mysql://localhost/db'],
      ['REDIS_URL', 'localhost:6379'],
      ['REDIS_PREFIX', 'app{1}'],
      ['ARGON2_MEMORY_COST', '1024'],
    ])('stops on a bad %s (%p), naming it', (name, value) => {
      expect(() => sut({ [name]: value })).toThrow(ConfigValidationError);
      expect(() => sut({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
    });

    it('never repeats the value of a variable that may hold credentials', () => {
      expect(() => sut({ DATABASE_URL: 'mysql://admin:hunter2@db/auth' })).toThrow(/DATABASE_URL/);
      expect(() => sut({ DATABASE_URL: 'mysql://admin:hunter2@db/auth' })).not.toThrow(/hunter2/);
      expect(() => sut({ REDIS_URL: 'tcp://:s3cret@cache' })).not.toThrow(/s3cret/);
    });

    it('lists every bad variable at once', () => {
      try {
        sut({ PORT: 'x', LOG_LEVEL: 'y' });
        throw new Error('expected a ConfigValidationError');
      } catch (error) {
        expect((error as ConfigValidationError).problems).toHaveLength(2);
      }
    });

    it('requires KEY_ENCRYPTION_KEY and an SMTP server in production, naming each', () => {
      expect(() => sut({ NODE_ENV: 'production', SMTP_URL: 'smtps://mail.example.com' })).toThrow(
        /KEY_ENCRYPTION_KEY must be set when NODE_ENV=production/,
      );
      expect(() => sut({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: KEY })).toThrow(
        /SMTP_URL must be set when NODE_ENV=production/,
      );
      const production = {
        NODE_ENV: 'production',
        SMTP_URL: 'smtps://mail.example.com',
        KEY_ENCRYPTION_KEY: KEY,
      };
      // Without a static key, signing keys are managed (and rotated) in the database.
      expect(sut(production).tokens.privateKey).toBeUndefined();
      expect(sut({ ...production, JWT_PRIVATE_KEY: 'pem' }).tokens.privateKey).toEqual({
        source: 'JWT_PRIVATE_KEY',
        text: 'pem',
      });
    });

    it('takes KEY_ROTATION_INTERVAL as 0 (off) or whole seconds from a minute to a year', () => {
      expect(sut({}).keys.rotationInterval).toBe(0);
      expect(sut({ KEY_ROTATION_INTERVAL: '0' }).keys.rotationInterval).toBe(0);
      expect(sut({ KEY_ROTATION_INTERVAL: '2592000' }).keys.rotationInterval).toBe(2592000);
      expect(sut({ KEY_ROTATION_INTERVAL: '60' }).keys.rotationInterval).toBe(60);
      expect(() => sut({ KEY_ROTATION_INTERVAL: '59' })).toThrow(/at least 60 seconds/);
      expect(() => sut({ KEY_ROTATION_INTERVAL: '31536001' })).toThrow(/at most 31536000/);
      expect(() => sut({ KEY_ROTATION_INTERVAL: 'monthly' })).toThrow(/KEY_ROTATION_INTERVAL/);
    });

    it('requires KEY_ENCRYPTION_KEY in production, as 32 bytes of base64, never echoing it', () => {
      const production = {
        NODE_ENV: 'production',
        SMTP_URL: 'smtps://mail.example.com',
        JWT_PRIVATE_KEY: 'pem',
      };
      expect(() => sut(production)).toThrow(
        /KEY_ENCRYPTION_KEY must be set when NODE_ENV=production/,
      );
      for (const bad of [
        'changeme-changeme-changeme',
        Buffer.alloc(16).toString('base64'),
        `${KEY}!`,
      ]) {
        try {
          sut({ ...production, KEY_ENCRYPTION_KEY: bad });
          throw new Error(`accepted ${bad}`);
        } catch (error) {
          expect((error as Error).message).toMatch(/KEY_ENCRYPTION_KEY must be 32 bytes/);
          expect((error as Error).message).not.toContain(bad);
        }
      }
      expect(sut({ ...production, KEY_ENCRYPTION_KEY: KEY }).keys.keyEncryptionKey).toEqual(
        Buffer.alloc(32, 7),
      );
      expect(
        sut({ KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64url') }).keys
          .keyEncryptionKey,
      ).toEqual(Buffer.alloc(32, 7));
      expect(sut().keys.keyEncryptionKey).toBeUndefined();
    });

    it('refuses both key variables at once, and an unreadable key file', () => {
      expect(() => sut({ JWT_PRIVATE_KEY: 'a', JWT_PRIVATE_KEY_FILE: '/x' })).toThrow(/both set/);
      expect(() => sut({ JWT_PRIVATE_KEY_FILE: '/nonexistent/key.pem' })).toThrow(
        /JWT_PRIVATE_KEY_FILE cannot be read \(ENOENT\)/,
      );
    });
  });
});
