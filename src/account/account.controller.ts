import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { UserPrincipal } from '../access/principal';
import { Public } from '../access/public.decorator';
import { ApiErrors, ApiJsonBody } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { LoginRateLimit } from '../throttling/app-throttler.guard';
import { UserDto } from '../users/dto/user.dto';
import { CredentialsService } from './credentials.service';
import { AcceptedDto } from './dto/accepted.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { EmailDto } from './dto/email.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { TokenDto } from './dto/token.dto';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';

const ACCEPTED: AcceptedDto = { message: 'if an account can receive it, a message is on its way' };

@ApiTags('account')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly verification: EmailVerificationService,
    private readonly reset: PasswordResetService,
    private readonly credentials: CredentialsService,
  ) {}

  @Public()
  @LoginRateLimit()
  @Post('email/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Confirm an email address with the token of a mailed link (verification or email change)',
  })
  @ApiJsonBody(TokenDto, 'email_token_invalid, email_token_expired')
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 409: 'email_taken: another account took the new address meanwhile' })
  verify(@Body() body: TokenDto, @Req() request: FastifyRequest): Promise<UserDto> {
    return this.verification.verify(body.token, requestContext(request));
  }

  @Public()
  @LoginRateLimit()
  @Post('email/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Mail a new verification link (the same answer whether or not the account exists)',
  })
  @ApiJsonBody(EmailDto)
  @ApiAcceptedResponse({ type: AcceptedDto })
  resend(@Body() body: EmailDto, @Req() request: FastifyRequest): AcceptedDto {
    this.verification.resend(body.email, requestContext(request));
    return ACCEPTED;
  }

  @Public()
  @LoginRateLimit()
  @Post('password/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Mail a password-reset link (the same answer whether or not the account exists)',
  })
  @ApiJsonBody(EmailDto)
  @ApiAcceptedResponse({ type: AcceptedDto })
  forgot(@Body() body: EmailDto, @Req() request: FastifyRequest): AcceptedDto {
    this.reset.forgot(body.email, requestContext(request));
    return ACCEPTED;
  }

  @Public()
  @LoginRateLimit()
  @Post('password/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Set a new password with the token of a reset link; every session is revoked',
  })
  @ApiJsonBody(
    ResetPasswordDto,
    'reset_token_invalid, reset_token_expired, weak_password (with rule)',
  )
  @ApiNoContentResponse({ description: 'The password changed; sign in with it' })
  async resetPassword(
    @Body() body: ResetPasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.reset.reset(body.token, body.newPassword, requestContext(request));
  }

  @Authenticated()
  @Post('password/change')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Change the password; the other sessions are revoked' })
  @ApiJsonBody(ChangePasswordDto, 'invalid_current_password, weak_password (with rule)')
  @ApiNoContentResponse({ description: 'Changed' })
  async changePassword(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.credentials.changePassword(
      principal,
      body.currentPassword,
      body.newPassword,
      requestContext(request),
    );
  }
}
