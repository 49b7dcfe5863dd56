import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { requireRedis, uniqueRedisPrefix } from '../support/redis';
import { runServer, untilListening, type ServerProcess } from '../support/server-process';
import { startNginx, type Nginx } from '../support/nginx';

/** What the cluster runs on: the PostgreSQL and Redis servers of the machine (DESIGN.md, "Stack"). */
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Cluster {
  instances: ServerProcess[];
  nginx: Nginx;
  /** The shared database's URL. */
  databaseUrl: string;
  env: Record<string, string>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `npm run test:cluster needs PostgreSQL at ${PG_URL} (${(error as Error).message}): start it, or set TEST_PG_URL`,
    );
  }
  const name = `portcullis_cluster_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * `count` built servers (dist/main.js, each its own process and DATA_DIR) started at the same moment on one fresh
 * PostgreSQL database and one Redis, with one key-encryption key, behind Debian's nginx (round-robin upstream, as a load balancer
 * in front of a deployment).
 */
export async function startCluster(
  count: number,
  env: Record<string, string> = {},
): Promise<Cluster> {
  const redisUrl = await requireRedis();
  const database = await createDatabase();
  const shared = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    // Counters and notices of their own: other runs sharing this Redis never meet them.
    REDIS_PREFIX: uniqueRedisPrefix(),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ARGON2_MAX_CONCURRENCY: '1',
    THROTTLE_LIMIT: '100000',
    LOGIN_THROTTLE_LIMIT: '100000',
    // nginx appends the client's address to X-Forwarded-For: the limits count clients, not the balancer.
    TRUST_PROXY: 'true',
    ...env,
  };
  const instances = await Promise.all(Array.from({ length: count }, () => runServer(shared)));
  try {
    await Promise.all(instances.map((instance) => untilListening(instance)));
  } catch (error) {
    for (const instance of instances) instance.cleanUp();
    await database.drop();
    throw error;
  }
  const nginx = await startNginx(
    (port) => `upstream portcullis {
    ${instances.map((instance) => `server ${new URL(instance.url).host} max_fails=1 fail_timeout=30s;`).join('\n    ')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_pass http://portcullis;
    }
  }`,
  );
  const client = new Client({ connectionString: database.url });
  await client.connect();
  return {
    instances,
    nginx,
    databaseUrl: database.url,
    env: shared,
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as T[],
    stop: async () => {
      await client.end();
      await nginx.stop();
      for (const instance of instances) instance.cleanUp();
      await database.drop();
    },
  };
}
