/**
 * What an API key may be allowed to do. User sessions hold every scope their roles allow; a key holds the scopes it
 * was made with, never more than its owner's roles allow now.
 */
export const SCOPES = [
  'users:read',
  'users:write',
  'admin:read',
  'admin:write',
  'tokens:introspect',
] as const;

export type Scope = (typeof SCOPES)[number];

/** Scopes that only holders of the `admin` role may hold (an introspection key is an admin's narrowed key). */
const ADMIN_SCOPES: ReadonlySet<Scope> = new Set([
  'admin:read',
  'admin:write',
  'tokens:introspect',
]);

export const isScope = (value: string): value is Scope =>
  (SCOPES as readonly string[]).includes(value);

/** Whether a holder of `roles` may hold `scope`. */
export const roleAllowsScope = (roles: readonly string[], scope: Scope): boolean =>
  !ADMIN_SCOPES.has(scope) || roles.includes('admin');

const ALL_FOR_ADMIN: Scope[] = [...SCOPES];
const ALL_FOR_OTHERS: Scope[] = SCOPES.filter((scope) => !ADMIN_SCOPES.has(scope));

/** Every scope `roles` allow: what a user session holds. */
export const scopesAllowedFor = (roles: readonly string[]): Scope[] =>
  roles.includes('admin') ? ALL_FOR_ADMIN : ALL_FOR_OTHERS;
