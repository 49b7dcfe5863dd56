import { Command, CommandRunner } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { findUser } from '../find-user';
import { print } from '../output';

/** Ends every session of an account (DELETE /admin/users/:id/sessions): a forced sign-out everywhere. */
@Command({
  name: 'revoke-sessions',
  arguments: '<user>',
  description: 'revoke every session of an account (a sign-out everywhere)',
  argsDescription: { user: 'the email address or id of the account' },
})
export class RevokeSessionsCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([reference]: string[]): Promise<void> {
    const { email, count } = await this.context.run(async (app) => {
      const user = await findUser(app, reference);
      const count = await app.get(AdminUsersService).revokeSessions(user.id, CLI_ACTOR);
      return { email: user.email, count };
    });
    print(`revoked ${count} session${count === 1 ? '' : 's'} of ${email}`);
  }
}
