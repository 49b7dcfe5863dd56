import type { EntityManager, QueryResult } from 'typeorm';

/**
 * Rewrites `:name` into the driver's placeholders (`?` on SQLite, `$1` on PostgreSQL), every value bound, numbers
 * included (on SQLite, once bindNumbers is applied to the connection, as the application does): a statement with a
 * time in it (the last-login update) reads the same on every call, and is reused from the connection's prepared
 * statements. TypeORM's own rewrite, the one its query builder uses.
 */
export function withDriverPlaceholders(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): [string, unknown[]] {
  return manager.connection.driver.escapeQueryWithParameters(sql, parameters, {});
}

/**
 * Runs one hand-written SELECT with named parameters (`:email`), rewritten to the driver's placeholders (`?` on
 * SQLite, `$1` on PostgreSQL). For the few reads on the sign-in path, where building the same query through
 * TypeORM's query builder and entity transformer costs several times the statement itself; everything else goes
 * through repositories as usual.
 */
export function queryRows<Row>(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<Row[]> {
  const [query, values] = withDriverPlaceholders(manager, sql, parameters);
  return manager.query<Row[]>(query, values);
}

/**
 * Runs one hand-written write with named parameters (as queryRows) and answers how many rows it changed: for a
 * conditional write on the sign-in path, whose count is its answer.
 */
export async function changeRows(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, unknown>,
): Promise<number> {
  const [query, values] = withDriverPlaceholders(manager, sql, parameters);
  // On SQLite the one shared runner (see TransactionRunner); on PostgreSQL a pooled connection, as manager.query uses.
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result: QueryResult = await runner.query(query, values, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
