/**
 * The one form of an email address that is stored and looked up: trimmed and lower-cased, so `A@X.io ` and `a@x.io`
 * are one account. Request DTOs apply it (`@Transform(normalizedEmail)`) and so does every service lookup.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** class-transformer form of normalizeEmail for DTOs; leaves non-strings for validation to refuse. */
export const normalizedEmail = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? normalizeEmail(value) : value;
