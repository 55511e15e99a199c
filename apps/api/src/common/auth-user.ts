import type { UserRole } from '@sysponto/contracts';

/**
 * The authenticated caller (the principal), as a credential resolver built it — no database read for access tokens.
 * Other credential types (API keys) produce the same shape, so routes and services see one kind of caller.
 */
export interface AuthUser {
  id: string;
  role: UserRole;
  mustChangePassword: boolean;
  /** Which resolver authenticated the caller (`jwt` for access tokens; e.g. `api-key`). */
  credential?: string;
  /** The sign-in (refresh-token family) an access token belongs to: logout revokes exactly these tokens. */
  sessionId?: string;
  /** The user's token version the credential was issued at (revocation checks of open sockets). */
  tokenVersion?: number;
  /** Unix seconds when the credential expires (sockets are disconnected then); absent when it does not expire. */
  expiresAt?: number;
  /** Set when the caller is an API key acting for its owner (`id`): the key's id and scopes. */
  apiKeyId?: string;
  scopes?: string[];
}

/** Claims of an access token. `ver`, `sid`, `iat`, `exp`, `iss` and `aud` are all required on verification. */
export interface AccessTokenPayload {
  sub: string;
  role: UserRole;
  /** must change password */
  mcp?: boolean;
  /** The user's token version when issued: a revocation of the user raises it, refusing older tokens. */
  ver: number;
  /** The refresh-token family (sign-in) id. */
  sid: string;
  iat?: number;
  exp?: number;
  iss?: string;
  aud?: string | string[];
}
