import { SetMetadata } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'portcullis:isPublic';

/**
 * Documents a handler as needing no credential: `security: []` overrides the document's root requirement (the
 * API denies by default). @nestjs/swagger drops an empty @ApiSecurity list, so it goes into the operation's own
 * metadata, merged with whatever @ApiOperation put there before or puts there after.
 */
function documentAsPublic(handler: object): void {
  const operation = (Reflect.getMetadata(DECORATORS.API_OPERATION, handler) ?? {}) as object;
  Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...operation, security: [] }, handler);
}

/**
 * Opts a route (or every route of a controller) out of the global AccessGuard, and documents it so. Everything
 * else requires a credential.
 */
export const Public = (): ClassDecorator & MethodDecorator =>
  ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      SetMetadata(IS_PUBLIC_KEY, true)(target, key!, descriptor);
      documentAsPublic(descriptor.value as object);
      return descriptor;
    }
    SetMetadata(IS_PUBLIC_KEY, true)(target as () => void);
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name !== 'constructor' && typeof handler === 'function') documentAsPublic(handler);
    }
    return target;
  }) as ClassDecorator & MethodDecorator;
