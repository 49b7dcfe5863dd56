import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for what the server reads, and no others: every row written updates each index of its table, and at a
 * million users refresh_tokens is the largest table there is (a row per login and per refresh).
 *
 * - `ix_refresh_tokens_parent_id` goes: no statement reads refresh tokens by `parent_id` (it records where a token
 *   came from; nothing looks it up), and no foreign key points at it.
 * - `ix_refresh_tokens_expires_at` goes: no statement reads refresh tokens by `expires_at` (a token's idle limit
 *   is checked in memory, after the lookup by hash).
 * - `ix_refresh_tokens_created_at` comes in their place: the clean-up job finds stale tokens by `created_at`,
 *   which no index covered, so every batch read the whole table.
 * - `ix_sessions_revoked_at` (only the revoked sessions): the clean-up job finds ended sessions by
 *   `expires_at <= ? OR revoked_at <= ?`; without an index on the second branch every batch read the whole table.
 * - `ix_refresh_tokens_session_id` stays, although no statement of the server names `session_id`: deleting a
 *   session deletes its refresh tokens (the foreign key's ON DELETE CASCADE, on PostgreSQL and on SQLite alike),
 *   and the database finds them by `session_id`. Without the index, each deleted session (the clean-up job deletes
 *   them in batches; deleting an account deletes all of its sessions) reads the whole refresh_tokens table.
 */
export class IndexesAtScale1764979200000 implements MigrationInterface {
  name = 'IndexesAtScale1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'ix_refresh_tokens_parent_id');
    await queryRunner.dropIndex('refresh_tokens', 'ix_refresh_tokens_expires_at');
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'ix_refresh_tokens_created_at', columnNames: ['created_at'] }),
    );
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({
        name: 'ix_sessions_revoked_at',
        columnNames: ['revoked_at'],
        where: 'revoked_at IS NOT NULL',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sessions', 'ix_sessions_revoked_at');
    await queryRunner.dropIndex('refresh_tokens', 'ix_refresh_tokens_created_at');
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'ix_refresh_tokens_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'ix_refresh_tokens_parent_id', columnNames: ['parent_id'] }),
    );
  }
}
