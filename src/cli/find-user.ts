import type { INestApplicationContext } from '@nestjs/common';
import { AdminUsersService } from '../admin/admin-users.service';
import type { AdminUserDto } from '../admin/dto/admin-user.dto';
import { AppException } from '../common/errors/app.exception';
import { normalizeEmail } from '../users/normalize-email';
import { UsersService } from '../users/users.service';
import { noAccountWithEmail, noAccountWithId, notAUserReference } from './cli.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The account a command names, by email (normalised as everywhere else) or by id, as the admin API shows it.
 * Anything that is neither is a usage error; an unknown one is a failure that says which account was looked for.
 */
export async function findUser(
  app: INestApplicationContext,
  reference: string,
): Promise<AdminUserDto> {
  const admin = app.get(AdminUsersService);
  if (reference.includes('@')) {
    const email = normalizeEmail(reference);
    const user = await app.get(UsersService).findByEmail(email);
    if (!user) throw noAccountWithEmail(email);
    return admin.get(user.id);
  }
  if (!UUID.test(reference)) throw notAUserReference(reference);
  try {
    return await admin.get(reference.toLowerCase());
  } catch (error) {
    if (error instanceof AppException && error.code === 'not_found') {
      throw noAccountWithId(reference);
    }
    throw error;
  }
}
