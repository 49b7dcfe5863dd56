import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ConfigValidationError } from '../config-validation.error';
import { defineSection, type BaseSettings } from '../config-section';
import { trimmed } from '../env-transforms';

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s?#]*$/;

export class MailVariables {
  @IsOptional()
  @Matches(HTTP_URL, {
    message: 'PUBLIC_URL must be an http(s) URL without query, e.g. https://auth.example.com',
  })
  @trimmed()
  PUBLIC_URL?: string;
  @MaxLength(60) @MinLength(1) @IsString() @trimmed() APP_NAME = 'Portcullis';
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, {
    message: 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465',
  })
  @trimmed()
  SMTP_URL?: string;
  @IsOptional() @MaxLength(254) @IsString() @trimmed() MAIL_FROM?: string;
  @IsOptional()
  @Matches(HTTP_URL, { message: 'VERIFY_EMAIL_URL must be an http(s) URL without query' })
  @trimmed()
  VERIFY_EMAIL_URL?: string;
  @IsOptional()
  @Matches(HTTP_URL, { message: 'RESET_PASSWORD_URL must be an http(s) URL without query' })
  @trimmed()
  RESET_PASSWORD_URL?: string;
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

function smtpUrl(env: MailVariables, { env: nodeEnv }: BaseSettings): string | undefined {
  if (!env.SMTP_URL && nodeEnv === 'production') {
    throw new ConfigValidationError([
      'SMTP_URL must be set when NODE_ENV=production (verification and password-reset mails need it), ' +
        'e.g. smtp://user:password@smtp.example.com:587',
    ]);
  }
  return env.SMTP_URL;
}

export const mailSection = defineSection({
  variables: MailVariables,
  build: (env, base) => {
    const publicUrl = withoutTrailingSlash(env.PUBLIC_URL ?? `http://localhost:${base.port}`);
    return {
      /** Base of every link in mail and of the pages; never taken from a request's Host header. */
      publicUrl,
      appName: env.APP_NAME,
      smtpUrl: smtpUrl(env, base),
      from: env.MAIL_FROM ?? `${env.APP_NAME} <no-reply@localhost>`,
      verifyEmailUrl: env.VERIFY_EMAIL_URL ?? `${publicUrl}/verify-email`,
      resetPasswordUrl: env.RESET_PASSWORD_URL ?? `${publicUrl}/reset-password`,
    };
  },
});
