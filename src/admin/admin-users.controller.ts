import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { AcceptedDto } from '../account/dto/accepted.dto';
import { ApiErrors, ApiJsonBody } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { SessionDto } from '../sessions/dto/session.dto';
import { AdminUsersService, type Actor } from './admin-users.service';
import { AdminUserDto, AdminUsersPageDto } from './dto/admin-user.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersQueryDto } from './dto/users-query.dto';

const READ = { roles: ['admin'], scopes: ['admin:read' as const] };
const WRITE = { roles: ['admin'], scopes: ['admin:write' as const] };
const NOT_FOUND = { 404: 'not_found: no account has this id' };

const actor = (principal: Principal, request: FastifyRequest): Actor => ({
  id: principal.userId,
  context: requestContext(request),
});

@ApiTags('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly admin: AdminUsersService) {}

  @Get()
  @Authenticated(READ)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Accounts, newest first, filtered and paged' })
  @ApiOkResponse({ type: AdminUsersPageDto })
  list(@Query() query: UsersQueryDto): Promise<AdminUsersPageDto> {
    return this.admin.list(query);
  }

  @Post()
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create an account, with a password or with an invitation mail that sets one',
  })
  @ApiJsonBody(CreateUserDto, 'weak_password')
  @ApiCreatedResponse({ type: AdminUserDto })
  @ApiErrors({ 409: 'email_taken' })
  create(
    @Body() body: CreateUserDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<AdminUserDto> {
    return this.admin.create(body, actor(principal, request));
  }

  @Get(':id')
  @Authenticated(READ)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'One account' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(NOT_FOUND)
  get(@Param('id') id: string): Promise<AdminUserDto> {
    return this.admin.get(id);
  }

  @Patch(':id')
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Change the name, roles, disabled flag or verified flag; disabling or taking a role revokes the sessions',
  })
  @ApiJsonBody(UpdateUserDto)
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors({ ...NOT_FOUND, 409: 'last_admin: no enabled administrator would be left' })
  update(
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<AdminUserDto> {
    return this.admin.update(id, body, actor(principal, request));
  }

  @Delete(':id')
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an account with its sessions, tokens and API keys' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ ...NOT_FOUND, 409: 'last_admin: the account is the last enabled administrator' })
  async delete(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.admin.delete(id, actor(principal, request));
  }

  @Get(':id/sessions')
  @Authenticated(READ)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The account's live sessions, most recently used first" })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiErrors(NOT_FOUND)
  async sessions(@Param('id') id: string): Promise<SessionDto[]> {
    const sessions = await this.admin.sessionsOf(id);
    return sessions.map((session) => SessionDto.from(session, undefined));
  }

  @Delete(':id/sessions')
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke every session of the account (its refresh and access tokens)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(NOT_FOUND)
  async revokeSessions(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.admin.revokeSessions(id, actor(principal, request));
  }

  @Delete(':id/mfa')
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Turn two-factor off for the account (a lost authenticator); the user is mailed',
  })
  @ApiNoContentResponse({ description: 'Two-factor is off' })
  @ApiErrors(NOT_FOUND)
  async removeMfa(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.admin.removeMfa(id, actor(principal, request));
  }

  @Post(':id/password-reset')
  @Authenticated(WRITE)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Mail the account a password-reset link' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiErrors(NOT_FOUND)
  async sendPasswordReset(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedDto> {
    await this.admin.sendPasswordReset(id, actor(principal, request));
    return { message: 'a password-reset link is on its way, unless the address had 3 this hour' };
  }
}
