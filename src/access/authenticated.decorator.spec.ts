import { DECORATORS } from '@nestjs/swagger';
import { Authenticated, type AuthenticatedOptions } from './authenticated.decorator';

/** What the OpenAPI document says about a route protected with these options. */
function documented(options?: AuthenticatedOptions) {
  // The class is made inside the test, so that coverage (npm run test:mutation) ties the decorator to it.
  class Probe {
    @Authenticated(options)
    route(): void {}
  }
  const responses = Reflect.getMetadata(DECORATORS.API_RESPONSE, Probe.prototype.route) as Record<
    string,
    { description: string }
  >;
  const security = Reflect.getMetadata(DECORATORS.API_SECURITY, Probe.prototype.route) as Array<
    Record<string, string[]>
  >;
  return { forbidden: responses['403']?.description, unauthorized: responses['401'], security };
}

describe('Authenticated', () => {
  it('documents the 401 of every protected route', () => {
    expect(documented().unauthorized.description).toBe(
      'missing_token, invalid_token, token_expired or session_revoked',
    );
  });

  it('a route for user sessions only: a 403 for API keys, and the bearer scheme alone', () => {
    const route = documented();
    expect(route.forbidden).toBe('forbidden: an API key (this route takes user sessions only)');
    expect(route.security).toEqual([{ bearer: [] }]);
  });

  it('roles: a 403 that names them', () => {
    expect(documented({ roles: ['admin', 'auditor'] }).forbidden).toBe(
      'forbidden: needs one of the roles admin, auditor; forbidden: an API key (this route takes user sessions only)',
    );
  });

  it('scopes: a 403 that names them, and the API-key schemes with those scopes', () => {
    const route = documented({ scopes: ['users:read', 'users:write'] });
    expect(route.forbidden).toBe(
      'insufficient_scope: an API key without users:read and users:write',
    );
    expect(route.security[0]).toEqual({ bearer: [] });
    expect(route.security).toHaveLength(3);
    for (const scheme of route.security.slice(1)) {
      expect(Object.values(scheme)).toEqual([['users:read', 'users:write']]);
    }
  });

  it('any API key: no 403 at all', () => {
    const route = documented({ anyApiKey: true });
    expect(route.forbidden).toBeUndefined();
    expect(route.security).toHaveLength(3);
  });
});
