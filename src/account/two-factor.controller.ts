import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { UserPrincipal } from '../access/principal';
import { ApiErrors, ApiJsonBody } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { PasswordDto } from './dto/password.dto';
import {
  PasswordAndCodeDto,
  RecoveryCodesDto,
  TotpCodeDto,
  TotpSetupDto,
} from './dto/two-factor.dto';
import { TwoFactorService } from './two-factor.service';

@ApiTags('auth')
@Authenticated()
@Controller('auth/mfa')
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Post('totp/setup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Start two-factor sign-in: a new TOTP secret for the authenticator app (on once enabled with a code)',
  })
  @ApiJsonBody(PasswordDto, 'invalid_current_password (counts toward lockout)')
  @ApiOkResponse({ type: TotpSetupDto })
  @ApiErrors({ 409: 'mfa_already_enabled' })
  setup(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: PasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<TotpSetupDto> {
    return this.twoFactor.setup(principal, body.password, requestContext(request));
  }

  @Post('totp/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Turn two-factor on with a first code; answers 10 recovery codes, shown once',
  })
  @ApiJsonBody(TotpCodeDto, 'invalid_mfa_code')
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiErrors({ 409: 'mfa_already_enabled, mfa_setup_required' })
  async enable(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: TotpCodeDto,
    @Req() request: FastifyRequest,
  ): Promise<RecoveryCodesDto> {
    return {
      recoveryCodes: await this.twoFactor.enable(principal, body.code, requestContext(request)),
    };
  }

  @Post('totp/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Turn two-factor off (password and a code, or a recovery code)' })
  @ApiJsonBody(PasswordAndCodeDto, 'invalid_current_password, invalid_mfa_code')
  @ApiNoContentResponse({
    description: 'Two-factor is off; the secret and recovery codes are gone',
  })
  @ApiErrors({ 409: 'mfa_not_enabled' })
  async disable(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: PasswordAndCodeDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.twoFactor.disable(principal, body.password, body.code, requestContext(request));
  }

  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Replace the recovery codes (password and a code); the old ones stop working',
  })
  @ApiJsonBody(PasswordAndCodeDto, 'invalid_current_password, invalid_mfa_code')
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiErrors({ 409: 'mfa_not_enabled' })
  async regenerate(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: PasswordAndCodeDto,
    @Req() request: FastifyRequest,
  ): Promise<RecoveryCodesDto> {
    return {
      recoveryCodes: await this.twoFactor.regenerateRecoveryCodes(
        principal,
        body.password,
        body.code,
        requestContext(request),
      ),
    };
  }
}
