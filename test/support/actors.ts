import { AuthService } from '../../src/auth/auth.service';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from './app';
import { PASSWORD, uniqueEmail, type Tokens } from './http';

export interface Actor {
  id: string;
  email: string;
  password: string;
}

export interface SignedInActor extends Actor {
  tokens: Tokens;
}

const CONTEXT = { ip: '127.0.0.1', userAgent: 'portcullis-tests' };

/**
 * The people a suite needs, built through the services (the same code the routes call), so that a suite spends
 * its HTTP calls on the behaviour under test: `given(t).user()`, `given(t).signedInUser()`, `given(t).session(user)`.
 */
export function given(t: TestApp) {
  const auth = () => t.app.get(AuthService);
  const session = async (actor: Actor): Promise<Tokens> => {
    const user = await t.app.get(UsersService).findById(actor.id);
    if (!user) throw new Error(`no user ${actor.id}`);
    return auth().issueSession(user, CONTEXT);
  };
  const user = async (
    overrides: Partial<{ email: string; password: string; name: string }> = {},
  ): Promise<Actor> => {
    const fields = { email: uniqueEmail(), password: PASSWORD, ...overrides };
    const created = await auth().register(fields, CONTEXT);
    return { id: created.id, email: created.email, password: fields.password };
  };
  const signedInUser = async (
    overrides: Partial<{ email: string; password: string; name: string }> = {},
  ): Promise<SignedInActor> => {
    const actor = await user(overrides);
    return { ...actor, tokens: await session(actor) };
  };
  return {
    user,
    session,
    signedInUser,
    /** A user given the admin role (through the same service the admin API uses), with a fresh session. */
    async admin(
      overrides: Partial<{ email: string; password: string; name: string }> = {},
    ): Promise<SignedInActor> {
      const actor = await user(overrides);
      await t.app.get(UsersService).administer(actor.id, { roles: ['user', 'admin'] });
      return { ...actor, tokens: await session(actor) };
    },
  };
}
