import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '@sysponto/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommonErrors, defineErrors } from './app-error.js';
import type { AuthUser } from './auth-user.js';
import { bearerToken, CredentialResolvers, unauthenticated } from './credentials.js';
import { ALLOW_PASSWORD_CHANGE_PENDING, IS_PUBLIC, ROLES } from './decorators.js';
import { currentRequest } from './request-context.js';

export const GuardErrors = defineErrors({
  passwordChangeRequired: {
    code: 'auth/password-change-required',
    status: 403,
    message: 'Change your temporary password first.',
  },
});

/**
 * Global guard: every route needs a credential unless @Public(); then @Roles() are enforced.
 * 1. the bearer credential goes to the resolver for its prefix (CredentialResolvers): JWT access tokens by default,
 *    other credential types register their own resolver — this guard does not change for them;
 * 2. the principal is put on the request (`@CurrentUser()`) and in the request context (audit actor);
 * 3. the resolver's own checks of the request run (API keys: scope and rate limit);
 * 4. the temporary-password rule and the roles are checked.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolvers: CredentialResolvers,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Sockets are authenticated at the handshake (realtime gateway middleware).
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw unauthenticated();
    const user = await this.resolvers.resolve(token);
    req.user = user;
    const ctx = currentRequest();
    if (ctx) ctx.actorId = user.id;
    await this.resolvers.authorize(user, req, http.getResponse<FastifyReply>());
    if (user.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING, targets)) {
      throw GuardErrors.passwordChangeRequired();
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw CommonErrors.forbidden();
    return true;
  }
}
