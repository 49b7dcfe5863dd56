import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source.options';
import { changeRows, queryRows, withDriverPlaceholders } from './raw-query';
import { bindNumbers } from './sqlite-number-binding';

describe('raw queries on SQLite', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      buildDataSourceOptions({ kind: 'sqlite', url: 'sqlite::memory:', path: ':memory:' }),
    );
    // As the application opens its connections.
    bindNumbers(dataSource);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (id VARCHAR PRIMARY KEY, at BIGINT, note VARCHAR)');
  });

  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    await dataSource.query('DELETE FROM t');
    await dataSource.query("INSERT INTO t VALUES ('a', 0, 'x')");
  });

  it('binds every value, numbers included, so a statement reads the same whatever its values', () => {
    const sql = 'UPDATE t SET at = :now WHERE id = :id AND at < :now';
    const first = withDriverPlaceholders(dataSource.manager, sql, { now: 5, id: 'a' });
    const second = withDriverPlaceholders(dataSource.manager, sql, { now: 1796141948381, id: 'b' });
    expect(first).toEqual(['UPDATE t SET at = ? WHERE id = ? AND at < ?', [5, 'a', 5]]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toEqual([1796141948381, 'b', 1796141948381]);
  });

  it('leaves a name that is not a parameter as it is', () => {
    expect(
      withDriverPlaceholders(dataSource.manager, "SELECT ':x' AS a, :id AS b", { id: 'a' }),
    ).toEqual(["SELECT ':x' AS a, ? AS b", ['a']]);
  });

  it('writes a bound time as an integer and answers the rows it changed', async () => {
    const sql = 'UPDATE t SET at = :now WHERE id = :id AND at < :now';
    await expect(
      changeRows(dataSource.manager, sql, { now: 1796141948381, id: 'a' }),
    ).resolves.toBe(1);
    await expect(
      changeRows(dataSource.manager, sql, { now: 1796141948381, id: 'a' }),
    ).resolves.toBe(0);
    await expect(changeRows(dataSource.manager, sql, { now: 5, id: 'b' })).resolves.toBe(0);
    await expect(
      queryRows(dataSource.manager, 'SELECT at, typeof(at) AS kind FROM t WHERE id = :id', {
        id: 'a',
      }),
    ).resolves.toEqual([{ at: 1796141948381, kind: 'integer' }]);
  });
});
