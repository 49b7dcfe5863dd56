import { Command, CommandRunner } from 'nest-commander';
import { AdminUsersService } from '../../admin/admin-users.service';
import { AppContextService } from '../app-context.service';
import { CLI_ACTOR } from '../cli-actor';
import { findUser } from '../find-user';
import { print } from '../output';

/**
 * Turns two-factor sign-in off for an account that lost its authenticator and its recovery codes
 * (DELETE /admin/users/:id/mfa): the password alone signs in again, and the user is mailed.
 */
@Command({
  name: 'reset-mfa',
  arguments: '<user>',
  description:
    'turn two-factor sign-in off for an account (a lost authenticator); the user is mailed',
  argsDescription: { user: 'the email address or id of the account' },
})
export class ResetMfaCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([reference]: string[]): Promise<void> {
    const { email, removed } = await this.context.run(async (app) => {
      const user = await findUser(app, reference);
      const removed = await app.get(AdminUsersService).removeMfa(user.id, CLI_ACTOR);
      return { email: user.email, removed };
    });
    print(
      removed
        ? `turned two-factor sign-in off for ${email}: its password alone signs in; it was mailed`
        : `${email} has no two-factor sign-in: nothing to do`,
    );
  }
}
