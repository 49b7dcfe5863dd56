import { Controller, Get, Header, HttpCode, HttpStatus, Res } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/public.decorator';
import { AppConfigService } from '../config';
import { asPage } from '../http/security-headers';
import { PAGES_SCRIPT, resetPasswordPage, verifyEmailPage } from './account-pages';

const HTML = { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } };

/**
 * The small pages mailed links open. They never act on a GET; the token stays out of caches (no-store) and out of
 * Referer headers (no-referrer), and leaves the address bar once read.
 */
@ApiTags('account')
@Public()
@Controller()
export class AccountPagesController {
  private readonly verifyPage: string;
  private readonly resetPage: string;

  constructor(config: AppConfigService) {
    const { appName } = config.section('mail');
    this.verifyPage = verifyEmailPage(appName);
    this.resetPage = resetPasswordPage(appName);
  }

  @Get('verify-email')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The page a verification link opens (its button confirms)' })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'token', required: false, description: 'From the mailed link' })
  @ApiOkResponse(HTML)
  verifyEmail(@Res({ passthrough: true }) reply: FastifyReply): string {
    asPage(reply);
    return this.verifyPage;
  }

  @Get('reset-password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'The page a password-reset link opens (its form sets the new password)',
  })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'token', required: false, description: 'From the mailed link' })
  @ApiOkResponse(HTML)
  resetPassword(@Res({ passthrough: true }) reply: FastifyReply): string {
    asPage(reply);
    return this.resetPage;
  }

  @Get('account-pages.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  @ApiExcludeEndpoint()
  script(): string {
    return PAGES_SCRIPT;
  }
}
