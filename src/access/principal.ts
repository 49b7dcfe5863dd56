/**
 * Who is calling. Every kind of credential (a user's access token now; API keys and browser cookies later) resolves
 * to this shape in the global AccessGuard; `@CurrentPrincipal()` hands it to controllers.
 */
export interface Principal {
  kind: 'user';
  userId: string;
  sessionId: string;
  roles: string[];
  scopes: string[];
}
