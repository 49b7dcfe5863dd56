import { Command, CommandRunner, Option } from 'nest-commander';
import { ADMIN_ROLE, DEFAULT_ROLES } from '../../access/roles';
import { AdminUsersService } from '../../admin/admin-users.service';
import { CreateUserDto } from '../../admin/dto/create-user.dto';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../../users/users.service';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { commandFailed, usageError } from '../cli.errors';
import { print } from '../output';
import { PROGRAM_NAME } from '../cli-program.service';
import { promptNewPassword, readPasswordFromStdin } from '../password-input';
import { validateInput } from '../validate-input';

interface CreateAdminOptions {
  passwordStdin?: boolean;
  name?: string;
}

/** Says what the account is, and points at set-roles when it is not an administrator yet. */
const alreadyExists = (email: string, roles?: readonly string[]) =>
  commandFailed(
    roles?.includes(ADMIN_ROLE)
      ? `an account with the email ${email} already exists, and is an administrator`
      : `an account with the email ${email} already exists${roles ? ` (roles ${roles.join(',') || 'none'})` : ''}; ` +
          `to make it an administrator: ${PROGRAM_NAME} set-roles ${email} ${[...new Set([...(roles ?? DEFAULT_ROLES), ADMIN_ROLE])].join(',')}`,
  );

/** The first administrator (or another one): an account with the roles user and admin, and a password. */
@Command({
  name: 'create-admin',
  arguments: '<email>',
  description:
    'create an administrator (roles user and admin); the password is asked for, never taken from the command line',
  argsDescription: { email: "the new administrator's email address" },
})
export class CreateAdminCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  @Option({
    flags: '--password-stdin',
    description: 'read the password from the first line of standard input',
  })
  parsePasswordStdin(): boolean {
    return true;
  }

  @Option({ flags: '--name <name>', description: 'the display name' })
  parseName(value: string): string {
    return value;
  }

  async run([email]: string[], options: CreateAdminOptions = {}): Promise<void> {
    const account = await validateInput(CreateUserDto, {
      email,
      name: options.name,
      roles: [...DEFAULT_ROLES, ADMIN_ROLE],
    });
    if (!options.passwordStdin && !process.stdin.isTTY) {
      throw usageError(
        'no terminal to ask for the password: pipe it on standard input with --password-stdin',
      );
    }
    const created = await this.context.run(async (app) => {
      const existing = await app.get(UsersService).findByEmail(account.email);
      if (existing) throw alreadyExists(existing.email, existing.roles);
      const password = options.passwordStdin
        ? await readPasswordFromStdin()
        : await promptNewPassword();
      try {
        return await app.get(AdminUsersService).create({ ...account, password }, CLI_ACTOR);
      } catch (error) {
        // Created by someone else between the check and now.
        if (error instanceof AppException && error.code === 'email_taken') {
          throw alreadyExists(account.email);
        }
        throw error;
      }
    });
    print(
      `created the administrator ${created.email} (id ${created.id}, roles ${created.roles.join(',')})`,
    );
  }
}
