import { Body, Controller, Get, HttpCode, HttpStatus, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ApiJsonBody } from '../http/api-errors.decorator';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Authenticated({ scopes: ['users:read'] })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The authenticated user' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return UserDto.from(await this.users.getProfile(principal.userId));
  }

  @Patch('me')
  @Authenticated({ scopes: ['users:write'] })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Change the caller's profile (name)" })
  @ApiJsonBody(UpdateProfileDto)
  @ApiOkResponse({ type: UserDto })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdateProfileDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.rename(principal.userId, body.name));
  }
}
