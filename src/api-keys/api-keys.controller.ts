import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { UserPrincipal } from '../access/principal';
import { ApiErrors, ApiJsonBody } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { API_KEY_ID } from './api-key-format';
import { apiKeyNotFound } from './api-keys.errors';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto } from './dto/api-key.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreatedApiKeyDto } from './dto/created-api-key.dto';

/** Managing credentials takes a user session: no scope is listed, so API keys get 403 here. */
@ApiTags('api-keys')
@Authenticated()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Make an API key; the key itself is shown only in this answer' })
  @ApiJsonBody(CreateApiKeyDto, 'invalid_scope: a scope your roles do not allow')
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: CreateApiKeyDto,
    @Req() request: FastifyRequest,
  ): Promise<CreatedApiKeyDto> {
    const { row, key } = await this.keys.create(principal, body, requestContext(request));
    return CreatedApiKeyDto.withKey(row, key);
  }

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The caller's API keys, newest first (never their secrets)" })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(@CurrentPrincipal() principal: UserPrincipal): Promise<ApiKeyDto[]> {
    const keys = await this.keys.list(principal.userId);
    return keys.map((key) => ApiKeyDto.from(key));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of the caller’s API keys: it stops working at once' })
  @ApiParam({ name: 'id', description: 'The key id (the part after "pck_")' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 404: 'not_found: no API key of the caller has this id' })
  async revoke(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const revoked =
      API_KEY_ID.test(id) &&
      (await this.keys.revoke(principal.userId, id, requestContext(request)));
    if (!revoked) throw apiKeyNotFound();
  }
}
