import { Body, Controller, Delete, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { UserPrincipal } from '../access/principal';
import { ApiErrors, ApiJsonBody } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { CredentialsService } from './credentials.service';
import { AcceptedDto } from './dto/accepted.dto';
import { ChangeEmailDto } from './dto/change-email.dto';
import { PasswordDto } from './dto/password.dto';

@ApiTags('users')
@Authenticated()
@Controller('users/me')
export class AccountMeController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post('email')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Move the account to a new address: a link goes to it (the change happens when it is used), a notice to the old one',
  })
  @ApiJsonBody(ChangeEmailDto, 'invalid_current_password')
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiErrors({ 409: 'email_taken' })
  async changeEmail(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ChangeEmailDto,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedDto> {
    await this.credentials.requestEmailChange(
      principal,
      body.newEmail,
      body.password,
      requestContext(request),
    );
    return { message: `a confirmation link is on its way to ${body.newEmail}` };
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete the account, its sessions and credentials' })
  @ApiJsonBody(PasswordDto, 'invalid_current_password')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 409: 'last_admin: the account is the last enabled administrator' })
  async delete(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: PasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.credentials.deleteAccount(principal, body.password, requestContext(request));
  }
}
