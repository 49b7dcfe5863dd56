import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt, trimmed } from '../env-transforms';

export class HttpVariables {
  @MinLength(1) @IsString() @trimmed() HOST = '0.0.0.0';
  @Max(65535) @Min(0) @IsInt() @toInt() PORT = 3000;
  @Matches(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
  })
  @IsString()
  @trimmed()
  TRUST_PROXY = 'false';
  @Max(10 * 1024 * 1024) @Min(1024) @IsInt() @toInt() BODY_LIMIT = 16384;
  @Max(300) @Min(1) @IsInt() @toInt() REQUEST_TIMEOUT = 10;
  @Max(1_000_000) @Min(1) @IsInt() @toInt() MAX_CONNECTIONS = 10000;
  @IsOptional() @IsIn(['true', 'false']) @trimmed() DOCS_ENABLED?: 'true' | 'false';
}

/**
 * `true` trusts the one proxy in front: the client is the last address it appended to X-Forwarded-For. Trusting
 * every hop would let a client choose its own address (the leftmost entry) and slip past the rate limits.
 */
function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return 1;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

export const httpSection = defineSection({
  variables: HttpVariables,
  build: (env, { env: nodeEnv }) => ({
    host: env.HOST,
    port: env.PORT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimit: env.BODY_LIMIT,
    requestTimeout: env.REQUEST_TIMEOUT,
    maxConnections: env.MAX_CONNECTIONS,
    // The API documentation is for developers; production does not publish it unless asked to.
    docsEnabled: env.DOCS_ENABLED ? env.DOCS_ENABLED === 'true' : nodeEnv !== 'production',
  }),
});
