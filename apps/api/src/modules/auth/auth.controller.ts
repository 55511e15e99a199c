import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ApiErrors } from '../../common/api-errors.decorator.js';
import { bearerToken } from '../../common/credentials.js';
import { Public } from '../../common/decorators.js';
import { AccessTokenService } from './access-tokens.service.js';
import { AuthTokensDto, LoginDto, RefreshDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { clearRefreshCookie, REFRESH_COOKIE, setRefreshCookie } from './refresh-cookie.js';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: AccessTokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in. Returns an access token and a refresh token (also set as an httpOnly cookie).' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiErrors(400, 401, 429)
  async login(
    @Body() body: LoginDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthTokensDto> {
    const tokens = await this.auth.login(body, req.ip);
    setRefreshCookie(reply, this.config, tokens.refreshToken);
    return tokens;
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token (cookie or body) for new tokens. Each refresh token works once.' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiErrors(400, 401)
  async refresh(
    @Body() body: RefreshDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthTokensDto> {
    try {
      const tokens = await this.auth.refresh(body?.refreshToken ?? req.cookies?.[REFRESH_COOKIE]);
      setRefreshCookie(reply, this.config, tokens.refreshToken);
      return tokens;
    } catch (err) {
      clearRefreshCookie(reply);
      throw err;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Sign out this sign-in: its refresh tokens (cookie or body) and, at once, its access tokens. Other devices stay signed in.',
    description:
      'The sign-in is found from the refresh token; without one, from the bearer access token if it is sent and valid.',
  })
  @ApiNoContentResponse()
  @ApiErrors(400)
  async logout(
    @Body() body: RefreshDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(body?.refreshToken ?? req.cookies?.[REFRESH_COOKIE], this.optionalPrincipal(req));
    clearRefreshCookie(reply);
  }

  /** The caller of a public route, when a valid access token is sent anyway. */
  private optionalPrincipal(req: FastifyRequest) {
    const token = bearerToken(req.headers.authorization);
    if (!token) return undefined;
    try {
      return this.tokens.resolve(token);
    } catch {
      return undefined;
    }
  }
}
