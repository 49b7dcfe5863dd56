import { dictionary } from '@zxcvbn-ts/language-common';
import { weakPassword, type PasswordRule } from './passwords.errors';

/** The email's local part is only a meaningful substring once it has a few characters. */
const MIN_LOCAL_PART = 3;

let commonPasswords: Set<string> | undefined;
/** About 50,000 passwords seen most often in breaches (zxcvbn-ts common dictionary), lower-cased. */
function common(): Set<string> {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));
  return commonPasswords;
}

/** Length in Unicode code points, as NIST SP 800-63B counts characters. */
export const passwordLength = (password: string): number => [...password].length;

/**
 * NIST SP 800-63B / OWASP ASVS 5 V6.2 password rules: length bounds, not a known-common password, not built from
 * the account's email. No composition rules. The password must already be NFKC-normalised, the email normalised
 * (normalizeEmail).
 */
export function checkPasswordPolicy(
  password: string,
  email: string,
  bounds: { minLength: number; maxLength: number },
): void {
  const reject = (rule: PasswordRule, message: string) => {
    throw weakPassword(rule, message);
  };
  const length = passwordLength(password);
  if (length < bounds.minLength) {
    reject('too_short', `password must be at least ${bounds.minLength} characters long`);
  }
  if (length > bounds.maxLength) {
    reject('too_long', `password must be at most ${bounds.maxLength} characters long`);
  }
  const lowered = password.toLowerCase();
  if (common().has(lowered)) {
    reject(
      'common',
      'password is too common (it appears in lists of breached passwords); choose another',
    );
  }
  const localPart = email.slice(0, email.indexOf('@'));
  if (
    lowered.includes(email) ||
    (passwordLength(localPart) >= MIN_LOCAL_PART && lowered.includes(localPart))
  ) {
    reject('contains_email', 'password must not contain your email address or its name part');
  }
}

/** Loads the dictionary now rather than on the first registration. */
export function warmPasswordPolicy(): void {
  common();
}
