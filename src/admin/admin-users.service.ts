import { Injectable } from '@nestjs/common';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';

/** User administration: the actions that change a user and, as a consequence, their sessions. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Disables the account, then revokes all of its sessions (and so its access tokens on this server). In this
   * order, a login racing the disable either sees the flag or has its new session revoked (see AuthService).
   */
  async disable(userId: string): Promise<void> {
    await this.users.setDisabled(userId, true);
    await this.sessions.revokeAllForUser(userId, 'user_disabled');
  }
}
