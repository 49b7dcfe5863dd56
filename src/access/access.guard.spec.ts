import { Controller, Get, Injectable } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '../http/all-exceptions.filter';
import { invalidToken } from './access.errors';
import { AccessGuard } from './access.guard';
import { Authenticated } from './authenticated.decorator';
import { CREDENTIAL_RESOLVERS, type CredentialResolver } from './credential-resolver';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { Public } from './public.decorator';
import { RolesGuard } from './roles.guard';

/** A new kind of credential, as a feature would add one: `X-Test-Key: <user id>:<role>`. */
@Injectable()
class TestKeyResolver implements CredentialResolver {
  readonly calls: string[] = [];

  canResolve(request: FastifyRequest): boolean {
    return typeof request.headers['x-test-key'] === 'string';
  }

  async resolve(request: FastifyRequest): Promise<Principal> {
    const [userId, role] = (request.headers['x-test-key'] as string).split(':');
    this.calls.push(userId);
    if (!role) throw invalidToken('the test key has no role');
    return { kind: 'user', userId, sessionId: 'test-session', roles: [role], scopes: [] };
  }
}

/** A second resolver that also recognises the header: it must never be asked before the first. */
@Injectable()
class ShadowedResolver implements CredentialResolver {
  canResolve(request: FastifyRequest): boolean {
    return typeof request.headers['x-test-key'] === 'string';
  }

  async resolve(): Promise<Principal> {
    throw new Error('the first resolver that recognises a credential decides');
  }
}

@Controller()
class ProbeController {
  @Public() @Get('open') open() {
    return { open: true };
  }

  @Get('whoami') whoami(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Authenticated({ roles: ['admin'] }) @Get('admin') admin() {
    return { admin: true };
  }
}

describe(AccessGuard.name, () => {
  let app: NestFastifyApplication;
  let resolver: TestKeyResolver;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        TestKeyResolver,
        ShadowedResolver,
        {
          provide: CREDENTIAL_RESOLVERS,
          inject: [TestKeyResolver, ShadowedResolver],
          useFactory: (...resolvers: CredentialResolver[]) => resolvers,
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    resolver = app.get(TestKeyResolver);
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => {
    resolver.calls.length = 0;
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  describe('canActivate', () => {
    it('hands the principal of a newly registered credential kind to the controller', async () => {
      const response = await get('/whoami', { 'x-test-key': 'u-1:user' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        kind: 'user',
        userId: 'u-1',
        sessionId: 'test-session',
        roles: ['user'],
        scopes: [],
      });
      expect(resolver.calls).toEqual(['u-1']);
    });

    it('denies by default: no resolver recognises the request → 401 missing_token', async () => {
      const response = await get('/whoami', { authorization: 'Bearer something' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'missing_token' });
    });

    it("answers the resolver's own refusal", async () => {
      const response = await get('/whoami', { 'x-test-key': 'u-2' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        code: 'invalid_token',
        message: 'the test key has no role',
      });
    });

    it('asks no resolver on a @Public() route', async () => {
      const response = await get('/open', { 'x-test-key': 'u-3:user' });
      expect(response.statusCode).toBe(200);
      expect(resolver.calls).toEqual([]);
    });

    it('applies @Authenticated roles to whatever credential resolved the caller', async () => {
      expect((await get('/admin', { 'x-test-key': 'u-4:user' })).statusCode).toBe(403);
      expect((await get('/admin', { 'x-test-key': 'u-4:admin' })).statusCode).toBe(200);
    });
  });
});
