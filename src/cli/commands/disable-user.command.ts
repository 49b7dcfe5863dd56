import { Command, CommandRunner } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { findUser } from '../find-user';
import { print } from '../output';

/** Disables an account as PATCH /admin/users/:id {disabled: true} does: its sessions are revoked at once. */
@Command({
  name: 'disable-user',
  arguments: '<user>',
  description: 'disable an account and revoke its sessions',
  argsDescription: { user: 'the email address or id of the account' },
})
export class DisableUserCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([reference]: string[]): Promise<void> {
    const { email, already } = await this.context.run(async (app) => {
      const user = await findUser(app, reference);
      if (user.disabled) return { email: user.email, already: true };
      await app.get(AdminUsersService).update(user.id, { disabled: true }, CLI_ACTOR);
      return { email: user.email, already: false };
    });
    print(
      already
        ? `${email} is disabled already`
        : `disabled ${email}: its sessions are revoked; it can no longer sign in, refresh or use its API keys`,
    );
  }
}
