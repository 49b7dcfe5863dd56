import { Command, CommandRunner, Option } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { UsersQueryDto } from '../../admin/dto/users-query.dto';
import { AppContextService } from '../app-context.service';
import { usageError } from '../cli.errors';
import { PROGRAM_NAME } from '../cli-program.service';
import { print } from '../output';
import { formatUsersTable } from '../users-table';
import { validateInput } from '../validate-input';

interface ListUsersOptions {
  q?: string;
  role?: string;
  disabled?: boolean;
  enabled?: boolean;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/** The CLI shows up to the API's largest page at once. */
const DEFAULT_LIMIT = '100';

/** Accounts, newest first, filtered and paged as GET /admin/users does. */
@Command({
  name: 'list-users',
  description: 'list accounts, newest first: a table, or JSON with --json',
})
export class ListUsersCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  @Option({
    flags: '--q <text>',
    description: 'only accounts whose email or name starts with this (any case)',
  })
  parseQ(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: 'only accounts with this role' })
  parseRole(value: string): string {
    return value;
  }

  @Option({ flags: '--disabled', description: 'only disabled accounts' })
  parseDisabled(): boolean {
    return true;
  }

  @Option({ flags: '--enabled', description: 'only enabled accounts' })
  parseEnabled(): boolean {
    return true;
  }

  @Option({
    flags: '--limit <n>',
    description: `at most this many, 1 to 100 (default ${DEFAULT_LIMIT})`,
  })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--cursor <cursor>', description: 'the next page, as the previous one said' })
  parseCursor(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print {items, nextCursor} as GET /admin/users answers' })
  parseJson(): boolean {
    return true;
  }

  async run(_arguments: string[], options: ListUsersOptions = {}): Promise<void> {
    if (options.disabled && options.enabled) {
      throw usageError('--disabled and --enabled exclude each other: give one of them');
    }
    // As query-string text, so that the admin API's rules and conversions apply unchanged.
    const query = await validateInput(UsersQueryDto, {
      q: options.q,
      role: options.role,
      disabled: options.disabled ? 'true' : options.enabled ? 'false' : undefined,
      limit: options.limit ?? DEFAULT_LIMIT,
      cursor: options.cursor,
    });
    const page = await this.context.run((app) => app.get(AdminUsersService).list(query));
    if (options.json) {
      print(JSON.stringify(page, null, 2));
      return;
    }
    if (page.items.length === 0) {
      print('no account matches');
      return;
    }
    for (const line of formatUsersTable(page.items)) print(line);
    if (page.nextCursor) print(`more accounts match: ${nextPage(options, page.nextCursor)}`);
  }
}

/** The same command for the next page: the same filters, the new cursor. */
function nextPage(options: ListUsersOptions, cursor: string): string {
  const words = [PROGRAM_NAME, 'list-users'];
  if (options.q !== undefined) words.push('--q', JSON.stringify(options.q));
  if (options.role !== undefined) words.push('--role', options.role);
  if (options.disabled) words.push('--disabled');
  if (options.enabled) words.push('--enabled');
  if (options.limit !== undefined) words.push('--limit', options.limit);
  return [...words, '--cursor', cursor].join(' ');
}
