import { IsInt, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { ConfigValidationError } from '../config-validation.error';
import { defineSection, type BaseSettings } from '../config-section';
import { toInt, trimmed } from '../env-transforms';

export class KeysVariables {
  @IsOptional() @IsString() @trimmed() KEY_ENCRYPTION_KEY?: string;
  /** Seconds between automatic signing-key rotations; 0: only on command (`portcullis keys rotate`). */
  @Max(31_536_000, { message: 'KEY_ROTATION_INTERVAL must be at most 31536000 seconds (a year)' })
  @Min(60, { message: 'KEY_ROTATION_INTERVAL must be 0 (off) or at least 60 seconds' })
  @ValidateIf((env: KeysVariables) => env.KEY_ROTATION_INTERVAL !== 0)
  @IsInt()
  @toInt()
  KEY_ROTATION_INTERVAL = 0;
}

const HOW = 'generate one with `openssl rand -base64 32`';

/**
 * KEY_ENCRYPTION_KEY: 32 bytes, base64 (or base64url). Required in production; in development, unset means a key
 * generated into DATA_DIR on first start (see KeyEncryptionService). Its value is never echoed.
 */
function readKey(env: KeysVariables, { env: nodeEnv }: BaseSettings): Buffer | undefined {
  const text = env.KEY_ENCRYPTION_KEY;
  if (!text) {
    if (nodeEnv === 'production') {
      throw new ConfigValidationError([
        `KEY_ENCRYPTION_KEY must be set when NODE_ENV=production (32 random bytes, base64: ${HOW}); it encrypts signing keys and two-factor secrets at rest`,
      ]);
    }
    return undefined;
  }
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new ConfigValidationError([
      `KEY_ENCRYPTION_KEY must be 32 bytes written in base64 (44 characters); ${HOW}`,
    ]);
  }
  return key;
}

export const keysSection = defineSection({
  variables: KeysVariables,
  build: (env, base) => ({
    keyEncryptionKey: readKey(env, base),
    rotationInterval: env.KEY_ROTATION_INTERVAL,
  }),
});
