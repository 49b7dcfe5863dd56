import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from '../access/authenticated.decorator';

export const DOCS_PATH = '/docs';
export const DOCUMENT_PATH = '/docs-json';

const version = (): string =>
  (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** The OpenAPI document, built from the controllers' decorators. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Portcullis')
      .setDescription(
        'Authentication and user service: register, log in, rotate refresh tokens, verify access tokens with the JWKS.',
      )
      .setVersion(version())
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .build(),
  );
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
    fastify.get(path, (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  }
}
