import { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 1000;

/**
 * Emails are now stored NFKC-normalised (they were trimmed and lower-cased before). Rewrites each stored address
 * whose NFKC form differs, unless another account already holds that form: then both rows stay as they are, and
 * the one not in the new form can no longer sign in by email (sign-in looks up the new form) until an operator
 * merges or removes it. Names are left as stored.
 */
export class NormalizeEmails1764547200000 implements MigrationInterface {
  name = 'NormalizeEmails1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const manager = queryRunner.manager;
    let after = '';
    for (;;) {
      const rows = await manager
        .createQueryBuilder()
        .select(['u.id AS id', 'u.email AS email'])
        .from('users', 'u')
        .where('u.id > :after', { after })
        .orderBy('u.id')
        .limit(BATCH)
        .getRawMany<{ id: string; email: string }>();
      if (rows.length === 0) return;
      for (const { id, email } of rows) {
        const normalized = email.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
        if (normalized === email) continue;
        const taken = await manager
          .createQueryBuilder()
          .select('1')
          .from('users', 'u')
          .where('u.email = :normalized', { normalized })
          .getRawOne<unknown>();
        if (taken) continue;
        await manager
          .createQueryBuilder()
          .update('users')
          .set({ email: normalized })
          .where('id = :id', { id })
          .execute();
      }
      after = rows[rows.length - 1].id;
    }
  }

  async down(): Promise<void> {
    // The previous forms are not kept: nothing to undo.
  }
}
