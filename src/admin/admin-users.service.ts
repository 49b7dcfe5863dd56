import { Injectable } from '@nestjs/common';
import { PasswordResetService } from '../account/password-reset.service';
import { isUuid } from '../common/ids';
import { decodePageCursor, encodePageCursor } from '../common/page-cursor';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { MfaService } from '../mfa/mfa.service';
import { NO_PASSWORD, PasswordService } from '../passwords/password.service';
import type { Session } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { normalizeEmail } from '../users/normalize-email';
import type { User } from '../users/user.entity';
import { UsersService, type AdminChanges } from '../users/users.service';
import { invalidQuery, userNotFound } from './admin.errors';
import { AdminUserDto, type AdminUsersPageDto } from './dto/admin-user.dto';
import type { CreateUserDto } from './dto/create-user.dto';
import type { UsersQueryDto } from './dto/users-query.dto';

/** Who did it, and from where: an administrator's id (or `cli` for the operator CLI) and the request. */
export interface Actor {
  id: string;
  context?: RequestContext;
}

/** The system itself, for callers with no administrator (tests, maintenance). */
const SYSTEM: Actor = { id: 'system' };

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const position = decodePageCursor(cursor);
  if (!position) throw invalidQuery('cursor', 'cursor is not one this server gave');
  return { createdAt: position.position, id: position.id };
}

/**
 * User administration, for the admin API and the operator CLI: each action changes the account, then does what
 * must hold before the answer (revoking sessions), then files an event under the account with the actor's id.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordService,
    private readonly resets: PasswordResetService,
    private readonly mfa: MfaService,
    private readonly events: DomainEvents,
  ) {}

  /** Newest first; the cursor is a position (created_at, id), so inserts never shift or repeat a page. */
  async list(query: UsersQueryDto): Promise<AdminUsersPageDto> {
    const limit = query.limit ?? 20;
    const rows = await this.users.search({
      q: query.q,
      role: query.role,
      disabled: query.disabled,
      limit: limit + 1,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const withMfa = await this.mfa.enabledAmong(items.map((user) => user.id));
    return {
      items: items.map((user) => AdminUserDto.from(user, withMfa.has(user.id))),
      nextCursor:
        rows.length > limit && last
          ? encodePageCursor({ position: last.createdAt, id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<AdminUserDto> {
    return this.shown(await this.find(id));
  }

  /**
   * A new account. With a password (the registration rules apply), it can sign in at once; without one, it gets an
   * invitation mail whose link sets the password (and so verifies the address).
   */
  async create(body: CreateUserDto, actor: Actor): Promise<AdminUserDto> {
    const email = normalizeEmail(body.email);
    let passwordHash = NO_PASSWORD;
    if (body.password !== undefined) {
      this.passwords.checkPolicy(body.password, email);
      passwordHash = await this.passwords.hash(body.password);
    }
    const user = await this.users.create({
      email,
      passwordHash,
      name: body.name,
      roles: body.roles,
    });
    const invited = body.password === undefined;
    if (invited) await this.resets.sendLink(user, 'invitation');
    await this.events.emit('admin.user_created', {
      userId: user.id,
      actorId: actor.id,
      roles: user.roles,
      invited,
      context: actor.context,
    });
    return AdminUserDto.from(user);
  }

  /**
   * Changes the fields given. Disabling the account or taking a role from it revokes its sessions before the
   * answer (tokens with the old roles stop working); 409 `last_admin` when no enabled administrator would be left.
   */
  async update(id: string, given: AdminChanges, actor: Actor): Promise<AdminUserDto> {
    const changes = Object.fromEntries(
      Object.entries(given).filter(([, value]) => value !== undefined),
    ) as AdminChanges;
    const result = isUuid(id) ? await this.users.administer(id, changes) : null;
    if (!result) throw userNotFound();
    const { before, after } = result;
    const lostRole = before.roles.some((role) => !after.roles.includes(role));
    if (after.disabled && !before.disabled) {
      await this.sessions.revokeAllForUser(id, 'user_disabled', actor.context);
    } else if (lostRole) {
      await this.sessions.revokeAllForUser(id, 'roles_changed', actor.context);
    }
    const changed = Object.fromEntries(
      Object.entries(changes).filter(
        ([field, value]) =>
          JSON.stringify(before[field as keyof AdminChanges]) !== JSON.stringify(value),
      ),
    );
    if (Object.keys(changed).length > 0) {
      await this.events.emit('admin.user_updated', {
        userId: id,
        actorId: actor.id,
        changes: changed,
        context: actor.context,
      });
    }
    return this.shown(after);
  }

  /** Disables the account and revokes its sessions (see update). */
  async disable(id: string, actor: Actor = SYSTEM): Promise<void> {
    await this.update(id, { disabled: true }, actor);
  }

  /** Deletes the account with its sessions, tokens and API keys; 409 `last_admin` for the last administrator. */
  async delete(id: string, actor: Actor): Promise<void> {
    const user = await this.find(id);
    if (!(await this.users.delete(id))) throw userNotFound();
    await this.sessions.forgetUser(id);
    await this.events.emit('admin.user_deleted', {
      userId: id,
      actorId: actor.id,
      context: actor.context,
    });
    await this.events.emit('account.deleted', {
      userId: id,
      email: user.email,
      actorId: actor.id,
      context: actor.context,
    });
  }

  async sessionsOf(id: string): Promise<Session[]> {
    await this.find(id);
    return this.sessions.listActive(id);
  }

  async revokeSessions(id: string, actor: Actor): Promise<number> {
    await this.find(id);
    const count = await this.sessions.revokeAllForUser(id, 'admin_revoked', actor.context);
    await this.events.emit('admin.sessions_revoked', {
      userId: id,
      actorId: actor.id,
      count,
      context: actor.context,
    });
    return count;
  }

  /**
   * Turns two-factor off for an account that lost its authenticator and its recovery codes; the user is told by
   * mail. Idempotent: true when it was on (or being set up), false when there was nothing to remove.
   */
  async removeMfa(id: string, actor: Actor): Promise<boolean> {
    const user = await this.find(id);
    if (!(await this.mfa.remove(id))) return false;
    await this.events.emit('admin.mfa_removed', {
      userId: id,
      actorId: actor.id,
      context: actor.context,
    });
    await this.events.emit('mfa.disabled', {
      userId: id,
      email: user.email,
      actorId: actor.id,
      context: actor.context,
    });
    return true;
  }

  /** Mails the account a password-reset link (at most 3 of them an hour, as for the user's own requests). */
  async sendPasswordReset(id: string, actor: Actor): Promise<void> {
    const user = await this.find(id);
    await this.resets.sendLink(user, 'reset_password');
    await this.events.emit('admin.password_reset_sent', {
      userId: id,
      actorId: actor.id,
      context: actor.context,
    });
  }

  private async shown(user: User): Promise<AdminUserDto> {
    return AdminUserDto.from(user, await this.mfa.isEnabled(user.id));
  }

  private async find(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findById(id) : null;
    if (!user) throw userNotFound();
    return user;
  }
}
