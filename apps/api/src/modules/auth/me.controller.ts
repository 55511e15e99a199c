import { Body, Controller, Get, HttpCode, Inject, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { AllowPasswordChangePending, CurrentUser } from '../../common/decorators.js';
import { ChangePasswordDto, UpdateMeDto, UserDto } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import { setRefreshCookie } from './refresh-cookie.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuthTokensDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @AllowPasswordChangePending()
  @ApiOperation({ summary: 'The signed-in user.' })
  @ApiOkResponse({ type: UserDto })
  @ApiAuth()
  getMe(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.get(user.id);
  }

  @Patch()
  @ApiOperation({ summary: 'Edit my profile (name, language).' })
  @ApiOkResponse({ type: UserDto })
  @ApiAuth(400)
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    return this.users.updateMe(user.id, body);
  }

  @Post('password')
  @HttpCode(200)
  @AllowPasswordChangePending()
  @ApiOperation({ summary: 'Change my password. Signs out every other session and returns fresh tokens for this one.' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiAuth(400)
  async changeMyPassword(
    @CurrentUser() user: AuthUser,
    @Body() body: ChangePasswordDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthTokensDto> {
    await this.users.changePassword(user.id, body);
    const tokens = await this.auth.reissue(user.id);
    setRefreshCookie(reply, this.config, tokens.refreshToken);
    return tokens;
  }
}
