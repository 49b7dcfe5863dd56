import type { FastifyInstance } from 'fastify';

interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/auth/sessions/:id` → a regular expression matching the concrete paths of that route. */
function compile(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * Every route and its methods, collected as fastify registers them, so that a known path asked with another method
 * answers `405 method_not_allowed` with an `Allow` header instead of 404.
 */
export class RouteTable {
  private readonly routes = new Map<string, Route>();

  /** Collects the routes registered from now on. */
  listen(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const entry = this.routes.get(route.url) ?? {
        pattern: compile(route.url),
        methods: new Set(),
      };
      for (const method of methods) entry.methods.add(method.toUpperCase());
      this.routes.set(route.url, entry);
    });
  }

  /** The methods a path answers, sorted; empty when no route has this path. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) allowed.add(method);
    }
    return [...allowed].sort();
  }
}
