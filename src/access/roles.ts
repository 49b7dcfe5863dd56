/** Given to every account at registration. */
export const DEFAULT_ROLES: readonly string[] = ['user'];

/** Built in: may use /admin, and may hold the admin scopes. */
export const ADMIN_ROLE = 'admin';

/** What a role name may be: lower case, starting with a letter, at most 32 characters. */
export const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
