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
 * Account lifecycle: lockout counters on users, one-time tokens (email verification, password reset, email
 * change), the mail outbox, audit events, and leases for jobs that one instance runs at a time.
 */
export class AccountLifecycle1764633600000 implements MigrationInterface {
  name = 'AccountLifecycle1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'failed_logins', type: 'integer', default: 0 }),
      new TableColumn({ name: 'locked_until', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'lockouts', type: 'integer', default: 0 }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: 'one_time_tokens',
        columns: [
          idColumn('id', { isPrimary: true }),
          idColumn('user_id'),
          { name: 'purpose', type: 'varchar', length: '32' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          /** The address the token proves (verification, email change). */
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'used_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_one_time_tokens_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'uq_one_time_tokens_token_hash',
            columnNames: ['token_hash'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_one_time_tokens_user_purpose',
            columnNames: ['user_id', 'purpose'],
          }),
          new TableIndex({ name: 'ix_one_time_tokens_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mail_outbox',
        columns: [
          idColumn('id', { isPrimary: true }),
          { name: 'recipient', type: 'varchar', length: '254' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'text_body', type: 'text' },
          { name: 'html_body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'claimed_until', type: 'bigint', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'sent_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'ix_mail_outbox_status_next_attempt',
            columnNames: ['status', 'next_attempt_at'],
          }),
          new TableIndex({
            name: 'ix_mail_outbox_recipient_kind_created',
            columnNames: ['recipient', 'kind', 'created_at'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'auth_events',
        columns: [
          idColumn('id', { isPrimary: true }),
          { name: 'type', type: 'varchar', length: '40' },
          // No foreign key: a deleted account's events stay, with its id only.
          idColumn('user_id', { isNullable: true }),
          idColumn('actor_id', { isNullable: true }),
          idColumn('session_id', { isNullable: true }),
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'at', type: 'bigint' },
          { name: 'detail', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'ix_auth_events_user_at', columnNames: ['user_id', 'at', 'id'] }),
          new TableIndex({ name: 'ix_auth_events_at', columnNames: ['at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '64' },
          { name: 'until', type: 'bigint' },
        ],
      }),
    );

    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'ix_sessions_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'ix_sessions_current_token_id', columnNames: ['current_token_id'] }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'ix_refresh_tokens_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'ix_refresh_tokens_expires_at');
    await queryRunner.dropIndex('sessions', 'ix_sessions_current_token_id');
    await queryRunner.dropIndex('sessions', 'ix_sessions_expires_at');
    await queryRunner.dropTable('job_leases');
    await queryRunner.dropTable('auth_events');
    await queryRunner.dropTable('mail_outbox');
    await queryRunner.dropTable('one_time_tokens');
    await queryRunner.dropColumns('users', ['failed_logins', 'locked_until', 'lockouts']);
  }
}
