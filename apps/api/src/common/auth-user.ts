import type { UserRole } from '@sysponto/contracts';

/** The authenticated caller, taken from a verified access token (no database read). */
export interface AuthUser {
  id: string;
  role: UserRole;
  mustChangePassword: boolean;
}

export interface AccessTokenPayload {
  sub: string;
  role: UserRole;
  /** must change password */
  mcp?: boolean;
}
