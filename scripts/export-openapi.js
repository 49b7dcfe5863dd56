'use strict';
/**
 * Writes the OpenAPI document of the built server (dist/) to the file named as the first argument, as /docs-json
 * serves it. Runs the application on an in-memory SQLite database, without listening.
 */
const { writeFileSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

async function main() {
  const output = process.argv[2];
  if (!output) throw new Error('usage: node scripts/export-openapi.js <output.json>');
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-openapi-'));
  const { createApp } = require(resolve(__dirname, '..', 'dist', 'app.setup.js'));
  const { buildOpenApiDocument } = require(resolve(__dirname, '..', 'dist', 'http', 'swagger.js'));
  const { app } = await createApp({
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: 'sqlite::memory:',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      DOCS_ENABLED: 'true',
    },
  });
  try {
    await app.init();
    writeFileSync(output, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
