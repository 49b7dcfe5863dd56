import { Body, Controller, Get, HttpCode, HttpStatus, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ApiJsonBody } from '../http/api-errors.decorator';
import { UpdateProfileDto } from './dto/update-profile.dto';
import type { User } from './user.entity';
import { UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

/*
 * Reading and changing the profile are two controllers, each protected at class level: on GET /users/me (the hot
 * route) the same `@Authenticated` options on the method cost about 7 us more server CPU per request
 * (bench/cpu-per-request.js, eight alternating rounds).
 */

@ApiTags('users')
@Authenticated({ scopes: ['users:read'] })
@Controller('users')
export class UsersController {
  /**
   * The answer for each profile the cache hands out, built once: the cache gives the same object until the user
   * changes, and a changed user is a new object.
   */
  private readonly answers = new WeakMap<User, UserDto>();

  constructor(private readonly users: UsersService) {}

  @Get('me')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The authenticated user' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    const user = await this.users.getProfile(principal.userId);
    let answer = this.answers.get(user);
    if (!answer) {
      answer = UserDto.from(user);
      this.answers.set(user, answer);
    }
    return answer;
  }
}

@ApiTags('users')
@Authenticated({ scopes: ['users:write'] })
@Controller('users')
export class ProfileController {
  constructor(private readonly users: UsersService) {}

  @Patch('me')
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
