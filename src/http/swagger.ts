import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  API_KEY_BASIC_SCHEME,
  API_KEY_SCHEME,
  BEARER_SCHEME,
} from '../access/authenticated.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { asPage } from './security-headers';

export const DOCS_PATH = '/docs';
export const DOCUMENT_PATH = '/docs-json';

const version = (): string =>
  (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/**
 * Every request body is validated with unknown fields refused: the document says so of each body schema, so that
 * it cannot promise more than the server accepts.
 */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, OperationObject>)) {
      const body = operation.requestBody as {
        content?: Record<string, { schema?: { $ref?: string } }>;
      };
      const ref = body?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? (schemas[ref.split('/').pop()!] as SchemaObject | undefined) : undefined;
      if (schema) schema.additionalProperties = false;
    }
  }
}

const DESCRIPTION = `Authentication and user service: register, log in, rotate refresh tokens, verify access tokens with the JWKS.

Every route needs \`Authorization: Bearer <access token>\` unless it says otherwise. Every error answers
\`{ statusCode, error, message, code }\`: branch on \`code\`. A known path asked with another method answers
405 \`method_not_allowed\` with an \`Allow\` header.`;

/** The OpenAPI document, built from the controllers' decorators. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Portcullis')
      .setDescription(DESCRIPTION)
      .setVersion(version())
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      // Relative: the API is on the host that serves this document.
      .addServer('/')
      .addTag('auth', 'Registration, login, refresh tokens and logout')
      .addTag('users', 'The authenticated user')
      .addTag('keys', 'Public keys (JWKS) that verify access tokens')
      .addTag('health', 'Liveness and readiness probes')
      .addTag('api-keys', "The caller's API keys, for machine clients")
      .addTag('admin', 'User, session and audit administration (role admin)')
      .addTag('oauth', 'For other services: metadata, introspection and revocation (OAuth RFCs)')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token' },
        BEARER_SCHEME,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'pck_<id>_<secret>',
          description: 'An API key; accepted only where the route lists the scopes it needs',
        },
        API_KEY_SCHEME,
      )
      .addBasicAuth(
        {
          type: 'http',
          scheme: 'basic',
          description: 'An API key as HTTP Basic: the key id as user name, its secret as password',
        },
        API_KEY_BASIC_SCHEME,
      )
      // Deny by default, as the global AccessGuard does; public routes say `security: []`.
      .addSecurityRequirements(BEARER_SCHEME)
      // Answers any route can give: a malformed request, the global rate limit, and a storage fault or a
      // shutdown in progress.
      .addGlobalResponse({
        status: 400,
        type: ErrorResponseDto,
        description: 'bad_request: the URL or the request is malformed',
      })
      .addGlobalResponse({
        status: 413,
        type: ErrorResponseDto,
        description: 'payload_too_large: a body over BODY_LIMIT, on any route',
      })
      .addGlobalResponse({
        status: 429,
        type: ErrorResponseDto,
        description: 'rate_limited (see Retry-After)',
      })
      .addGlobalResponse({
        status: 503,
        type: ErrorResponseDto,
        description:
          'service_unavailable: the database is unavailable, or the server is shutting down (see Retry-After)',
      })
      .build(),
  );
  closeRequestBodies(document);
  return document;
}

/** The Swagger UI files the page loads, and nothing else of the swagger-ui-dist package. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Portcullis API</title>
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/index.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(DOCUMENT_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json. The UI is a fixed list of routes, each answering one
 * file read at start-up: no path is ever mapped onto the file system, so no path trick reaches a file, and the
 * package's other files (its package.json, README, source maps) are not published.
 */
export function setUpSwagger(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: DOCUMENT_PATH,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const folder = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));
  for (const [file, type] of Object.entries(ASSETS)) {
    let content: string | Buffer = readFileSync(join(folder, file));
    // The source maps are not served: drop the comments that point browsers at them.
    if (type.startsWith('application/javascript') || type.startsWith('text/css')) {
      content = content.toString('utf8').replace(/\n\/[/*]# sourceMappingURL=.*$/gm, '');
    }
    const body = content;
    fastify.get(`${DOCS_PATH}/${file}`, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
  fastify.get(`${DOCS_PATH}/swagger-initializer.js`, (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(INITIALIZER),
  );
  for (const path of [DOCS_PATH, `${DOCS_PATH}/`, `${DOCS_PATH}/index.html`]) {
    fastify.get(path, (_request, reply) => asPage(reply).send(PAGE));
  }
}
