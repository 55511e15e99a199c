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

/** What the guard needs to know about a route, read once per handler (Reflect metadata lookups cost per request). */
interface RoutePolicy {
  isPublic: boolean;
  allowPasswordChangePending: boolean;
  roles: UserRole[] | undefined;
}

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
  private readonly policies = new WeakMap<object, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly resolvers: CredentialResolvers,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Sockets are authenticated at the handshake (realtime gateway middleware).
    if (context.getType() !== 'http') return true;
    const policy = this.policyOf(context);
    if (policy.isPublic) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw unauthenticated();
    const user = this.resolvers.resolve(token);
    // The JWT resolver answers synchronously: no promise (and no extra microtask) on the hot path.
    if (user instanceof Promise) return user.then((u) => this.admit(req, http.getResponse<FastifyReply>(), u, policy));
    return this.admit(req, http.getResponse<FastifyReply>(), user, policy);
  }

  private admit(
    req: FastifyRequest & { user?: AuthUser },
    reply: FastifyReply,
    user: AuthUser,
    policy: RoutePolicy,
  ): boolean | Promise<boolean> {
    req.user = user;
    const ctx = currentRequest();
    if (ctx) ctx.actorId = user.id;
    // The resolver's own checks (API keys: scope, rate limit); none for access tokens, so nothing to wait for.
    const checked = this.resolvers.authorize(user, req, reply);
    if (checked instanceof Promise) return checked.then(() => this.rules(user, policy));
    return this.rules(user, policy);
  }

  private rules(user: AuthUser, policy: RoutePolicy): boolean {
    if (user.mustChangePassword && !policy.allowPasswordChangePending) throw GuardErrors.passwordChangeRequired();
    if (policy.roles && !policy.roles.includes(user.role)) throw CommonErrors.forbidden();
    return true;
  }

  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, context.getClass()];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        allowPasswordChangePending:
          this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING, targets) === true,
        roles: this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets),
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }
}
