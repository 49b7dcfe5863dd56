import { ROLE_PATTERN } from '../access/roles';
import { usageError } from './cli.errors';

/**
 * Role names as an operator types them: separated by commas, spaces or both (`user,admin`, `user admin`), each
 * checked against the role pattern; repeats are dropped, the order kept.
 */
export function parseRoles(words: readonly string[]): string[] {
  const roles = words.flatMap((word) => word.split(/[\s,]+/)).filter((role) => role !== '');
  for (const role of roles) {
    if (!ROLE_PATTERN.test(role)) {
      throw usageError(
        `"${role}" is not a role name: lower case letters, digits, _ or -, starting with a letter, at most 32 characters`,
      );
    }
  }
  if (roles.length === 0) throw usageError('give at least one role, e.g. user,admin');
  return [...new Set(roles)];
}
