import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticated } from './authenticated.decorator';
import type { Principal } from './principal';
import { RolesGuard } from './roles.guard';

@Authenticated({ roles: ['admin'] })
@Controller()
class AdminOnly {
  @Get() inherits() {}
  @Authenticated({ roles: ['support'] }) @Get() overrides() {}
}

class Open {
  anyone() {}
}

const principal = (roles: string[]): Principal => ({
  kind: 'user',
  userId: 'u',
  sessionId: 's',
  roles,
  scopes: [],
});

function context(controller: object, handler: string, user?: Principal): ExecutionContext {
  const prototype = Object.getPrototypeOf(controller) as Record<string, () => void>;
  return {
    getHandler: () => prototype[handler],
    getClass: () => controller.constructor,
    switchToHttp: () => ({ getRequest: () => ({ principal: user }) }),
  } as unknown as ExecutionContext;
}

describe(RolesGuard.name, () => {
  const sut = new RolesGuard(new Reflector());

  describe('canActivate', () => {
    it('asks for one of the listed roles, not all of them', () => {
      @Controller()
      class Either {
        @Authenticated({ roles: ['admin', 'support'] }) @Get() either() {}
      }
      expect(sut.canActivate(context(new Either(), 'either', principal(['support'])))).toBe(true);
      expect(() => sut.canActivate(context(new Either(), 'either', principal(['user'])))).toThrow(
        expect.objectContaining({ code: 'forbidden' }),
      );
    });

    it('lets anyone through a route without roles', () => {
      expect(sut.canActivate(context(new Open(), 'anyone', principal([])))).toBe(true);
    });

    it('applies the controller roles to its methods', () => {
      expect(sut.canActivate(context(new AdminOnly(), 'inherits', principal(['admin'])))).toBe(
        true,
      );
      expect(() =>
        sut.canActivate(context(new AdminOnly(), 'inherits', principal(['user']))),
      ).toThrow(expect.objectContaining({ code: 'forbidden' }));
    });

    it('reads the method roles before the controller roles', () => {
      expect(sut.canActivate(context(new AdminOnly(), 'overrides', principal(['support'])))).toBe(
        true,
      );
      expect(() =>
        sut.canActivate(context(new AdminOnly(), 'overrides', principal(['admin']))),
      ).toThrow(expect.objectContaining({ code: 'forbidden' }));
    });

    it('refuses when there is no principal', () => {
      expect(() => sut.canActivate(context(new AdminOnly(), 'inherits'))).toThrow(
        expect.objectContaining({ code: 'forbidden' }),
      );
    });
  });
});
