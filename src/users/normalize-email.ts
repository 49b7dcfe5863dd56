/**
 * The one form of an email address that is stored and looked up: trimmed, NFKC-normalised and lower-cased, so that
 * `A@X.io `, `ａ@ｘ.io` and an address typed in NFD are one account. Request DTOs apply it
 * (`@Transform(normalizedEmail)`) and so does every service lookup.
 */
export const normalizeEmail = (email: string): string =>
  email.trim().normalize('NFKC').toLowerCase().normalize('NFKC');

/** class-transformer form of normalizeEmail for DTOs; leaves non-strings for validation to refuse. */
export const normalizedEmail = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? normalizeEmail(value) : value;
