import type { EntityManager } from 'typeorm';

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
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters, {});
  return manager.query<Row[]>(query, values);
}
