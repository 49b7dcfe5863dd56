import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Signing keys managed by the server (rotation without restart): each key's state, its public JWK and its private
 * part sealed with KEY_ENCRYPTION_KEY. A partial unique index allows one `next` and one `current` key at a time, so
 * that instances starting or rotating at once cannot both succeed.
 */
export class SigningKeys1764892800000 implements MigrationInterface {
  name = 'SigningKeys1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '8' },
          { name: 'state', type: 'varchar', length: '10' },
          { name: 'public_jwk', type: 'text' },
          { name: 'private_key', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'activated_at', type: 'bigint', isNullable: true },
          { name: 'deactivated_at', type: 'bigint', isNullable: true },
          { name: 'retired_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'ux_signing_keys_state',
            columnNames: ['state'],
            isUnique: true,
            where: "state IN ('current', 'next')",
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_keys');
  }
}
