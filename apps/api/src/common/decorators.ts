import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from '@sysponto/contracts';
import type { AuthUser } from './auth-user.js';

export const IS_PUBLIC = 'isPublic';
export const ROLES = 'roles';
export const ALLOW_PASSWORD_CHANGE_PENDING = 'allowPasswordChangePending';

/** Route needs no access token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Route needs one of these roles (checked after authentication). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);
/** Route stays usable while the user still has to replace a temporary password. */
export const AllowPasswordChangePending = () => SetMetadata(ALLOW_PASSWORD_CHANGE_PENDING, true);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
