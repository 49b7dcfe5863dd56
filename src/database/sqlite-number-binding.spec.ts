import { DataSource, EntitySchema, In, LessThan } from 'typeorm';
import { buildDataSourceOptions } from './data-source.options';
import { bindNumbers } from './sqlite-number-binding';

interface Row {
  id: string;
  at: number;
  done: boolean;
}

const Rows = new EntitySchema<Row>({
  name: 'Row',
  tableName: 'rows',
  columns: {
    id: { type: 'varchar', primary: true },
    at: { type: 'bigint' },
    done: { type: 'boolean' },
  },
});

describe('bindNumbers on SQLite', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({
      ...buildDataSourceOptions({ kind: 'sqlite', url: 'sqlite::memory:', path: ':memory:' }),
      entities: [Rows],
    });
    bindNumbers(dataSource);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE rows (id VARCHAR PRIMARY KEY, at BIGINT, done BOOLEAN)');
  });

  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    await dataSource.query('DELETE FROM rows');
    await dataSource.query("INSERT INTO rows VALUES ('a', 0, 0), ('b', 1796141948381, 1)");
  });

  const updateOf = (at: number, before: number) =>
    dataSource
      .createQueryBuilder()
      .update(Rows)
      .set({ at })
      .where('id = :id AND at < :before', { id: 'a', before })
      .getQueryAndParameters();

  it('binds a number instead of writing it into the statement, so the statement is the same for any value', () => {
    const [sql, values] = updateOf(5, 1796141948381);
    expect(sql).not.toMatch(/\d{2}/);
    expect(values).toEqual([5, 'a', 1796141948381]);
    expect(updateOf(1.5, -7)).toEqual([sql, [1.5, 'a', -7]]);
  });

  it('leaves the rest to the driver: booleans, lists and values given as they are', () => {
    const [sql, values] = dataSource
      .createQueryBuilder()
      .select('r.id', 'id')
      .from(Rows, 'r')
      .where('r.done = :done AND r.id IN (:...ids) AND r.at < :at', {
        done: true,
        ids: ['a', 'b'],
        at: 3,
      })
      .getQueryAndParameters();
    expect(sql).toContain('"r"."done" = ? AND "r"."id" IN (?, ?) AND "r"."at" < ?');
    expect(values).toEqual([1, 'a', 'b', 3]);
  });

  it('stores a bound time as an integer, and compares it by value', async () => {
    const rows = dataSource.getRepository(Rows);
    const result = await rows.update(
      { id: 'a', at: LessThan(1796141948381) },
      { at: 1796141948380 },
    );
    expect(result.affected).toBe(1);
    expect(await rows.findBy({ at: LessThan(1796141948381), id: In(['a', 'b']) })).toEqual([
      { id: 'a', at: 1796141948380, done: false },
    ]);
    expect(await dataSource.query("SELECT typeof(at) AS kind FROM rows WHERE id = 'a'")).toEqual([
      { kind: 'integer' },
    ]);
  });
});

describe('bindNumbers on PostgreSQL', () => {
  it('changes nothing: that driver binds every value already', () => {
    const dataSource = new DataSource(
      buildDataSourceOptions({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }),
    );
    const rewrite = dataSource.driver.escapeQueryWithParameters;
    bindNumbers(dataSource);
    expect(dataSource.driver.escapeQueryWithParameters).toBe(rewrite);
  });
});
