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
 * Two-factor sign-in: each user's TOTP secret (sealed with KEY_ENCRYPTION_KEY; `enabled_at` null while being set
 * up), recovery codes (keyed hashes only), tries counted on the one-time tokens that carry the second step, and the
 * methods a session was opened with (the `amr` claim of its access tokens).
 */
export class TwoFactor1764806400000 implements MigrationInterface {
  name = 'TwoFactor1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const user = (table: string) =>
      new TableForeignKey({
        name: `fk_${table}_user_id`,
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });

    await queryRunner.createTable(
      new Table({
        name: 'mfa_totp',
        columns: [
          idColumn('user_id', { isPrimary: true }),
          { name: 'secret', type: 'varchar', length: '255' },
          { name: 'created_at', type: 'bigint' },
          { name: 'enabled_at', type: 'bigint', isNullable: true },
          /** The last 30-second step whose code was accepted: a code works once. */
          { name: 'last_used_step', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [user('mfa_totp')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mfa_recovery_codes',
        columns: [
          idColumn('id', { isPrimary: true }),
          idColumn('user_id'),
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'bigint' },
          { name: 'used_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [user('mfa_recovery_codes')],
        indices: [
          new TableIndex({
            name: 'ix_mfa_recovery_codes_user_hash',
            columnNames: ['user_id', 'code_hash'],
          }),
        ],
      }),
    );

    await queryRunner.addColumn(
      'one_time_tokens',
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
    );
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({ name: 'amr', type: 'varchar', length: '32', default: "'pwd'" }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'amr');
    await queryRunner.dropColumn('one_time_tokens', 'attempts');
    await queryRunner.dropTable('mfa_recovery_codes');
    await queryRunner.dropTable('mfa_totp');
  }
}
