import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticated } from './authenticated.decorator';
import type { Principal } from './principal';
import { ScopesGuard } from './scopes.guard';

@Controller()
class Routes {
  @Authenticated({ scopes: ['users:read'] }) @Get() read() {}
  @Authenticated({ scopes: ['admin:read', 'admin:write'] }) @Get() both() {}
  @Authenticated() @Get() sessionOnly() {}
}

const key = (scopes: string[]): Principal => ({
  kind: 'api_key',
  userId: 'u',
  apiKeyId: 'k',
  roles: ['user', 'admin'],
  scopes,
});
const session: Principal = { kind: 'user', userId: 'u', sessionId: 's', roles: [], scopes: [] };

function context(handler: keyof Routes, principal?: Principal): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  } as unknown as ExecutionContext;
}

describe(ScopesGuard.name, () => {
  const sut = new ScopesGuard(new Reflector());

  describe('canActivate', () => {
    it('lets a key with the scope through, and refuses one without it with insufficient_scope', () => {
      expect(sut.canActivate(context('read', key(['users:read'])))).toBe(true);
      expect(() => sut.canActivate(context('read', key(['users:write'])))).toThrow(
        expect.objectContaining({ code: 'insufficient_scope' }),
      );
    });

    it('asks for every listed scope, not one of them', () => {
      expect(sut.canActivate(context('both', key(['admin:read', 'admin:write'])))).toBe(true);
      expect(() => sut.canActivate(context('both', key(['admin:read'])))).toThrow(
        expect.objectContaining({ code: 'insufficient_scope' }),
      );
    });

    it('keeps keys off routes that list no scope (user sessions only), whatever scopes they hold', () => {
      expect(() =>
        sut.canActivate(context('sessionOnly', key(['users:read', 'users:write', 'admin:write']))),
      ).toThrow(expect.objectContaining({ code: 'forbidden' }));
    });

    it('lets user sessions and public routes (no principal) through', () => {
      expect(sut.canActivate(context('both', session))).toBe(true);
      expect(sut.canActivate(context('sessionOnly'))).toBe(true);
    });
  });
});
