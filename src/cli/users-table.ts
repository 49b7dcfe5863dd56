import type { AdminUserDto } from '../admin/dto/admin-user.dto';
import { formatTable, minute, type TableColumn } from './table';

const COLUMNS: Array<TableColumn<AdminUserDto>> = [
  ['ID', (user) => user.id],
  ['EMAIL', (user) => user.email],
  ['NAME', (user) => user.name ?? '-'],
  ['ROLES', (user) => user.roles.join(',') || '-'],
  ['VERIFIED', (user) => (user.emailVerified ? 'yes' : 'no')],
  ['DISABLED', (user) => (user.disabled ? 'yes' : 'no')],
  ['CREATED (UTC)', (user) => minute(user.createdAt)],
  ['LAST LOGIN (UTC)', (user) => minute(user.lastLoginAt)],
];

/** Accounts as aligned columns, a heading first; one line per account. */
export function formatUsersTable(users: readonly AdminUserDto[]): string[] {
  return formatTable(COLUMNS, users);
}
