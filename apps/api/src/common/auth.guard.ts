import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { UserRole } from '@sysponto/contracts';
import { CommonErrors, defineErrors } from './app-error.js';
import type { AuthUser } from './auth-user.js';
import { ALLOW_PASSWORD_CHANGE_PENDING, IS_PUBLIC, ROLES } from './decorators.js';
import { currentRequest } from './request-context.js';

export const GuardErrors = defineErrors({
  passwordChangeRequired: {
    code: 'auth/password-change-required',
    status: 403,
    message: 'Change your temporary password first.',
  },
});

/** Global guard: every route needs a valid access token unless @Public(); then @Roles() are enforced. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Sockets are authenticated once, at the handshake (realtime gateway middleware).
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await (super.canActivate(context) as Promise<boolean>);
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    const ctx = currentRequest();
    if (ctx) ctx.actorId = user.id;
    if (user.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING, targets)) {
      throw GuardErrors.passwordChangeRequired();
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw CommonErrors.forbidden();
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user)
      throw CommonErrors.unauthenticated({ message: 'Your session is missing or has expired. Sign in again.' });
    return user;
  }
}
