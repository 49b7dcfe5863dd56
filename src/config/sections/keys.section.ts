import { IsOptional, IsString } from 'class-validator';
import { ConfigValidationError } from '../config-validation.error';
import { defineSection, type BaseSettings } from '../config-section';
import { trimmed } from '../env-transforms';

export class KeysVariables {
  @IsOptional() @IsString() @trimmed() KEY_ENCRYPTION_KEY?: string;
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
        `KEY_ENCRYPTION_KEY must be set when NODE_ENV=production (32 random bytes, base64: ${HOW}); it encrypts two-factor secrets at rest`,
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
  build: (env, base) => ({ keyEncryptionKey: readKey(env, base) }),
});
