import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** One row that the readiness check writes, to prove the database accepts writes (not only reads). */
export class CreateHealthChecks1764460800000 implements MigrationInterface {
  name = 'CreateHealthChecks1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'health_checks',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'checked_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.query('INSERT INTO health_checks (id, checked_at) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('health_checks');
  }
}
