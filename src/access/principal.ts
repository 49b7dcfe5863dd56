/** The caller of a user session: an access token (and later a browser cookie). */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  sessionId: string;
  roles: string[];
  /** Every scope the user's roles allow: a session may do whatever its user may. */
  scopes: string[];
}

/** A machine client holding one of a user's API keys: the key's scopes, within what the owner's roles allow. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  userId: string;
  apiKeyId: string;
  /** The owner's roles now (not when the key was made). */
  roles: string[];
  scopes: string[];
}

/**
 * Who is calling. Every kind of credential resolves to this shape in the global AccessGuard; `@CurrentPrincipal()`
 * hands it to controllers. A route that declares no scope is for user sessions only (the ScopesGuard refuses API
 * keys there), so its handlers may type the principal as UserPrincipal.
 */
export type Principal = UserPrincipal | ApiKeyPrincipal;
