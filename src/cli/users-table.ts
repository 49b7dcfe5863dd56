import type { AdminUserDto } from '../admin/dto/admin-user.dto';

/** `2026-11-30 08:41` (UTC): minutes are enough to tell accounts apart at a glance. */
const minute = (iso: string | null) =>
  iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

const COLUMNS: Array<[heading: string, value: (user: AdminUserDto) => string]> = [
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
  const rows = [
    COLUMNS.map(([heading]) => heading),
    ...users.map((user) => COLUMNS.map(([, value]) => value(user))),
  ];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...rows.map((row) => [...row[column]].length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - [...cell].length),
      )
      .join('  '),
  );
}
