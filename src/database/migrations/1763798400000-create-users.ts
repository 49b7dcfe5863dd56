import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { idColumn } from './column-helpers';

export class CreateUsers1763798400000 implements MigrationInterface {
  name = 'CreateUsers1763798400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          idColumn('id', { isPrimary: true }),
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'name', type: 'varchar', length: '100', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'roles', type: 'text' },
          { name: 'email_verified', type: 'boolean', default: false },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'users',
      new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
