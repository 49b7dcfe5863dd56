import { Client } from 'pg';

/** Fails fast, saying what is missing, when the PostgreSQL run has no server to talk to. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `npm run test:pg needs a PostgreSQL server that lets this user create databases, at ${url} ` +
        `(${(error as Error).message}). Start one, or point TEST_PG_URL at one, e.g. ` +
        `TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm run test:pg`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
