import { Command, CommandRunner } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { findUser } from '../find-user';
import { print } from '../output';

/** Enables a disabled account again (PATCH /admin/users/:id {disabled: false}). */
@Command({
  name: 'enable-user',
  arguments: '<user>',
  description: 'enable a disabled account again',
  argsDescription: { user: 'the email address or id of the account' },
})
export class EnableUserCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([reference]: string[]): Promise<void> {
    const { email, already } = await this.context.run(async (app) => {
      const user = await findUser(app, reference);
      if (!user.disabled) return { email: user.email, already: true };
      await app.get(AdminUsersService).update(user.id, { disabled: false }, CLI_ACTOR);
      return { email: user.email, already: false };
    });
    print(already ? `${email} is enabled already` : `enabled ${email}: it can sign in again`);
  }
}
