import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
} from 'typeorm';
import { idColumn } from './column-helpers';

/**
 * Access control: API keys (only a hash of each secret), and the time of each user's last sign-in for the admin
 * API. Lists of users are paged by (created_at, id).
 */
export class AccessControl1764720000000 implements MigrationInterface {
  name = 'AccessControl1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'last_login_at', type: 'bigint', isNullable: true }),
    );
    await queryRunner.createIndex(
      'users',
      new TableIndex({ name: 'ix_users_created_at_id', columnNames: ['created_at', 'id'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '32', isPrimary: true },
          idColumn('user_id'),
          { name: 'name', type: 'varchar', length: '100' },
          /** SHA-256 of the secret, hex. */
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'scopes', type: 'varchar', length: '255' },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint', isNullable: true },
          { name: 'last_used_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_api_keys_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_api_keys_user_id', columnNames: ['user_id', 'created_at'] }),
        ],
      }),
    );

    await queryRunner.createIndex(
      'auth_events',
      new TableIndex({ name: 'ix_auth_events_type_at', columnNames: ['type', 'at', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('auth_events', 'ix_auth_events_type_at');
    await queryRunner.dropTable('api_keys');
    await queryRunner.dropIndex('users', 'ix_users_created_at_id');
    await queryRunner.dropColumn('users', 'last_login_at');
  }
}
