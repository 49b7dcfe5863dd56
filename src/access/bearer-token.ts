const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The access token of a request: only from `Authorization: Bearer <token>`, never from the query string. */
export function extractBearerToken(request: {
  headers: Record<string, string | string[] | undefined>;
}): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** Whether the request says `Authorization: Bearer …` at all (whatever follows): cheap, no regular expression. */
export function hasBearerScheme(request: {
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  const header = request.headers.authorization;
  return (
    typeof header === 'string' &&
    header.length > 7 &&
    header.slice(0, 7).toLowerCase() === 'bearer '
  );
}
