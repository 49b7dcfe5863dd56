import { Command, CommandRunner } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { UpdateUserDto } from '../../admin/dto/update-user.dto';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { findUser } from '../find-user';
import { print } from '../output';
import { parseRoles } from '../roles-argument';
import { validateInput } from '../validate-input';

/** Replaces an account's roles, as PATCH /admin/users/:id does (taking a role away revokes its sessions). */
@Command({
  name: 'set-roles',
  arguments: '<user> <roles...>',
  description: 'replace the roles of an account (taking one away revokes its sessions)',
  argsDescription: {
    user: 'the email address or id of the account',
    roles: 'the complete new list, separated by commas or spaces, e.g. user,admin',
  },
})
export class SetRolesCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([reference, ...words]: string[]): Promise<void> {
    // The admin API's rules for a role list as well (at most 16 of them).
    const { roles } = await validateInput(UpdateUserDto, { roles: parseRoles(words) });
    const { before, after } = await this.context.run(async (app) => {
      const before = await findUser(app, reference);
      const after = await app.get(AdminUsersService).update(before.id, { roles }, CLI_ACTOR);
      return { before, after };
    });
    const was = before.roles.join(',') || 'none';
    const now = after.roles.join(',') || 'none';
    if (was === now) {
      print(`${after.email} already has the roles ${now}`);
      return;
    }
    const lost = before.roles.some((role) => !after.roles.includes(role));
    print(
      `${after.email}: roles ${now} (were ${was})${lost ? '; its sessions were revoked' : '; they show in its next sign-in or refresh'}`,
    );
  }
}
