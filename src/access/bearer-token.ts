const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The access token of a request: only from `Authorization: Bearer <token>`, never from the query string. */
export function extractBearerToken(request: {
  headers: Record<string, string | string[] | undefined>;
}): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  return BEARER.exec(header)?.[1] ?? null;
}
