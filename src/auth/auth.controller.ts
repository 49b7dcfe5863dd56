import {
  Body,
  Controller,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
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
import type { User } from '../users/user.entity';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { MfaChallengeDto, MfaVerifyDto } from './dto/mfa.dto';
import { RefreshDto } from './dto/refresh.dto';
import { RegisterDto } from './dto/register.dto';
import { TokensDto } from './dto/tokens.dto';
import { LocalAuthGuard } from './local-auth.guard';

/** Routes that take no body still parse one if it is sent. */
const IGNORED_BODY = {
  413: 'payload_too_large: a body, if sent, is at most BODY_LIMIT',
  415: 'unsupported_media_type: a body, if sent, is JSON',
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @LoginRateLimit()
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create an account' })
  @ApiJsonBody(RegisterDto, 'weak_password (with rule)')
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors({ 409: 'email_taken' })
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest): Promise<UserDto> {
    return this.auth.register(body, requestContext(request));
  }

  @Public()
  @LoginRateLimit()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary:
      'Log in with email and password; opens a session, or with two-factor on answers a token for POST /auth/mfa/verify',
  })
  @ApiJsonBody(LoginDto)
  @ApiExtraModels(TokensDto, MfaChallengeDto)
  @ApiOkResponse({
    description: 'The tokens, or (two-factor on) the second step to complete',
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }],
    },
  })
  @ApiErrors({
    401: 'invalid_credentials (the same answer for every cause, a locked account included)',
    403: 'account_disabled, email_not_verified (REQUIRE_EMAIL_VERIFICATION=true): only after the correct password',
  })
  login(@Req() request: FastifyRequest & { user: User }): Promise<TokensDto | MfaChallengeDto> {
    return this.auth.signIn(request.user, requestContext(request));
  }

  @Public()
  @LoginRateLimit()
  @Post('mfa/verify')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Complete a two-factor sign-in with a TOTP code or a recovery code; opens a session',
  })
  @ApiJsonBody(MfaVerifyDto)
  @ApiOkResponse({ type: TokensDto })
  @ApiErrors({
    401: 'invalid_mfa_code (counts toward lockout), mfa_token_invalid (used, expired or 5 tries: log in again)',
    403: 'account_disabled',
  })
  verifySecondFactor(
    @Body() body: MfaVerifyDto,
    @Req() request: FastifyRequest,
  ): Promise<TokensDto> {
    return this.auth.verifySecondFactor(body, requestContext(request));
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens (the old refresh token is consumed)',
  })
  @ApiJsonBody(RefreshDto)
  @ApiOkResponse({ type: TokensDto })
  @ApiErrors({
    401: 'invalid_refresh_token, refresh_token_expired, refresh_token_reused or session_revoked',
  })
  refresh(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Revoke the caller's session (its refresh and access tokens)" })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiErrors(IGNORED_BODY)
  logout(
    @CurrentPrincipal() principal: UserPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.auth.logout(principal, requestContext(request));
  }

  @Authenticated()
  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke every session of the caller' })
  @ApiNoContentResponse({ description: 'Every session revoked' })
  @ApiErrors(IGNORED_BODY)
  logoutAll(
    @CurrentPrincipal() principal: UserPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.auth.logoutAll(principal, requestContext(request));
  }
}
