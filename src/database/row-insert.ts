import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** An entity's INSERT statement, built once per table and database: the SQL and the columns in its order. */
interface InsertPlan {
  sql: string;
  columns: ColumnMetadata[];
}

const plans = new WeakMap<EntityMetadata, InsertPlan>();

function planFor(manager: EntityManager, metadata: EntityMetadata): InsertPlan {
  const driver = manager.connection.driver;
  const postgres = manager.connection.options.type === 'postgres';
  const columns = metadata.columns.filter((column) => column.isInsert);
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const placeholders = columns.map((_, index) => (postgres ? `$${index + 1}` : '?')).join(', ');
  return {
    sql: `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES (${placeholders})`,
    columns,
  };
}

/**
 * Inserts one row, as `repository.insert(row)` does, for the rows every sign-in writes (its session, refresh token
 * and audit event): the statement is built once per table, each value goes through its column's transformer and
 * the driver's conversion (simple-array, booleans) as TypeORM's own insert does, and the query builder's
 * per-call work (about a tenth of a login's event-loop time for these three inserts, in a profile) is skipped.
 * Every column must be given: a row with an `undefined` column goes through `repository.insert`, which lets the
 * database default fill it.
 */
export async function insertRow<Entity extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<Entity>,
  row: Entity,
): Promise<void> {
  const metadata = manager.connection.getMetadata(target);
  let plan = plans.get(metadata);
  if (!plan) {
    plan = planFor(manager, metadata);
    plans.set(metadata, plan);
  }
  const driver = manager.connection.driver;
  const values: unknown[] = [];
  for (const column of plan.columns) {
    // Untransformed: preparePersistentValue applies the column's transformer, as the query builder does.
    const value: unknown = column.getEntityValue(row);
    if (value === undefined) {
      await manager.insert(target, row);
      return;
    }
    values.push(driver.preparePersistentValue(value, column));
  }
  await manager.query(plan.sql, values);
}
