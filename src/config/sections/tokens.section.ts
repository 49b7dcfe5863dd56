import { readFileSync } from 'node:fs';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { ConfigValidationError } from '../config-validation.error';
import { defineSection } from '../config-section';
import { toInt, trimmed } from '../env-transforms';

export class TokensVariables {
  @MinLength(1) @IsString() @trimmed() JWT_ISSUER = 'http://localhost:3000';
  @MinLength(1) @IsString() @trimmed() JWT_AUDIENCE = 'portcullis';
  @IsOptional() @IsString() JWT_PRIVATE_KEY?: string;
  @IsOptional() @IsString() @trimmed() JWT_PRIVATE_KEY_FILE?: string;
  @Max(86400) @Min(30) @IsInt() @toInt() ACCESS_TOKEN_TTL = 900;
}

export interface ConfiguredPrivateKey {
  source: 'JWT_PRIVATE_KEY' | 'JWT_PRIVATE_KEY_FILE';
  text: string;
}

/** The operator-managed static key, when one is set; unset means keys managed (and rotated) in the database. */
function readPrivateKey(env: TokensVariables): ConfiguredPrivateKey | undefined {
  if (env.JWT_PRIVATE_KEY && env.JWT_PRIVATE_KEY_FILE) {
    throw new ConfigValidationError([
      'JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE are both set: keep one of them',
    ]);
  }
  if (env.JWT_PRIVATE_KEY) return { source: 'JWT_PRIVATE_KEY', text: env.JWT_PRIVATE_KEY };
  if (env.JWT_PRIVATE_KEY_FILE) {
    try {
      return {
        source: 'JWT_PRIVATE_KEY_FILE',
        text: readFileSync(env.JWT_PRIVATE_KEY_FILE, 'utf8'),
      };
    } catch (error) {
      throw new ConfigValidationError([
        `JWT_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${env.JWT_PRIVATE_KEY_FILE}`,
      ]);
    }
  }
  return undefined;
}

export const tokensSection = defineSection({
  variables: TokensVariables,
  build: (env) => ({
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    privateKey: readPrivateKey(env),
  }),
});
