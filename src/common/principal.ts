/**
 * Who is calling. Every kind of credential (a user's access token now, API keys later) resolves to this shape
 * through the global guard; `@CurrentUser()` hands it to controllers.
 */
export interface Principal {
  kind: 'user';
  userId: string;
  sessionId: string;
  roles: string[];
  scopes: string[];
}
