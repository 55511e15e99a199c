import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import type { FastifyRequest } from 'fastify';
import { ApiAuth, ApiErrors } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Public, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { PasswordResetConfirmDto, PasswordResetRequestDto, PasswordResetSentDto } from './auth.dto.js';
import { PasswordResetService } from './password-reset.service.js';

@ApiTags('auth')
@Controller()
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Public()
  @Post('auth/password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Forgot password: mails a single-use link (valid 30 minutes) to an active account with this email.',
    description:
      'Always 202, whether or not the account exists (no account enumeration). Limited per account (further requests send nothing) and per IP (429).',
  })
  @ApiAcceptedResponse({ description: 'Accepted; a mail goes out if the address belongs to an active account.' })
  @ApiErrors(400, 429)
  async requestPasswordReset(@Body() body: PasswordResetRequestDto, @Req() req: FastifyRequest): Promise<void> {
    await this.resets.request(body.email, req.ip);
  }

  @Public()
  @Post('auth/password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with a reset link token. Ends every sign-in of the user (refresh and access tokens).',
  })
  @ApiNoContentResponse()
  @ApiErrors(400, 429)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() req: FastifyRequest): Promise<void> {
    await this.resets.confirm(body.token, body.password, req.ip);
  }

  @Roles(UserRole.Admin)
  @Post('users/:id/password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail the user a password reset link (admin). Their password stays until they use it.' })
  @ApiAcceptedResponse({ type: PasswordResetSentDto })
  @ApiAuth(404, 409)
  sendPasswordReset(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<PasswordResetSentDto> {
    return this.resets.sendByAdmin(user.id, id);
  }
}
