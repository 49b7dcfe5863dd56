import type { DataSource, ObjectLiteral } from 'typeorm';
import { isSqlite } from './data-source.options';

/** A number on its way through TypeORM's SQLite driver: boxed, so the driver binds it instead of writing it out. */
class BoundNumber {
  constructor(readonly value: number) {}
}

/**
 * Makes TypeORM's SQLite driver bind numbers, as it binds every other value. Its own rewrite of named parameters
 * writes a number into the SQL text, so a repository or query-builder statement with a time in it (a refresh's
 * session update, the clean-up's cut-off) is a new statement on every call: compiled each time, and kept among the
 * connection's prepared statements (TypeORM keeps SQLITE_STATEMENT_CACHE_SIZE) where it pushes out the statements
 * that are reused.
 * The driver's own rewrite still does the rest (arrays, booleans, dates). better-sqlite3 binds a number as a REAL,
 * which SQLite stores as an INTEGER in an integer column and compares by value, as it did the literal.
 * PostgreSQL's driver binds every value already: nothing changes there.
 */
export function bindNumbers(dataSource: DataSource): void {
  if (!isSqlite(dataSource.options)) return;
  const { driver } = dataSource;
  const rewrite = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters, nativeParameters) => {
    const boxed: ObjectLiteral = {};
    for (const [name, value] of Object.entries<unknown>(parameters ?? {})) {
      boxed[name] = typeof value === 'number' ? new BoundNumber(value) : value;
    }
    const [query, values] = rewrite(sql, boxed, nativeParameters);
    return [
      query,
      values.map((value: unknown) => (value instanceof BoundNumber ? value.value : value)),
    ];
  };
}
