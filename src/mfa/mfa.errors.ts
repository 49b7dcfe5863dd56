import { AppException } from '../common/errors/app.exception';

export const mfaAlreadyEnabled = () =>
  new AppException(
    'mfa_already_enabled',
    'two-factor sign-in is on already; turn it off first to set up a new authenticator',
  );

export const mfaNotEnabled = () =>
  new AppException('mfa_not_enabled', 'two-factor sign-in is not on for this account');

export const mfaSetupRequired = () =>
  new AppException(
    'mfa_setup_required',
    'there is no authenticator being set up: start with POST /auth/mfa/totp/setup',
  );

/** A wrong, reused or malformed code on the routes that manage two-factor (400; the sign-in step answers 401). */
export const invalidMfaCode = () =>
  new AppException(
    'invalid_mfa_code',
    'the code is not valid: use the current 6-digit code of your authenticator (each works once) or an unused recovery code',
  );
