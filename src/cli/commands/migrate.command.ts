import { Command, CommandRunner } from 'nest-commander';
import type { DataSource } from 'typeorm';
import { AppContextService } from '../app-context.service';
import { commandFailed, usageError } from '../cli.errors';
import { PROGRAM_NAME } from '../cli-program.service';
import {
  KNOWN_MIGRATIONS,
  lastApplied,
  migrationStatus,
  openDatabase,
  sqliteFileMissing,
  type MigrationStatus,
} from '../migrations';
import { print } from '../output';

const ACTIONS = ['show', 'run', 'revert'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * The schema, by hand: what is applied and pending, run the pending migrations, or revert the last one. It opens the
 * database with the application's options but never boots the application, whose start-up would run the pending
 * migrations on its own.
 */
@Command({
  name: 'migrate',
  arguments: '[action]',
  description: 'show (the default), run or revert the database migrations',
  argsDescription: { action: 'show, run or revert' },
})
export class MigrateCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([given = 'show']: string[]): Promise<void> {
    if (!(ACTIONS as readonly string[]).includes(given)) {
      throw usageError(`unknown migrate action "${given}": use show, run or revert`);
    }
    const action = given as Action;
    const database = this.context.settings().database;
    if (action === 'show' && sqliteFileMissing(database)) {
      // Nothing to open; opening would create an empty file.
      printStatus({ applied: [], pending: [...KNOWN_MIGRATIONS], unknown: [] });
      return;
    }
    const dataSource = await openDatabase(database);
    try {
      await ACTION[action](dataSource);
    } finally {
      await dataSource.destroy();
    }
  }
}

const ACTION: Record<Action, (dataSource: DataSource) => Promise<void>> = {
  show: async (dataSource) => printStatus(await migrationStatus(dataSource)),
  run: async (dataSource) => {
    // One transaction for the lot, as at the server's start-up: a failure leaves the schema as it was.
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    if (applied.length === 0) {
      print('nothing to run: the database is up to date');
      return;
    }
    for (const migration of applied) print(`applied ${migration.name}`);
    print(`the database is up to date (${applied.length} applied now)`);
  },
  revert: async (dataSource) => {
    const last = await lastApplied(dataSource);
    if (!last) {
      print('nothing to revert: no migration is applied');
      return;
    }
    if (!KNOWN_MIGRATIONS.includes(last)) {
      throw commandFailed(
        `the migration applied last, ${last}, is unknown to this version: revert it with the version that applied it`,
      );
    }
    await dataSource.undoLastMigration({ transaction: 'all' });
    print(`reverted ${last}`);
  },
};

function printStatus({ applied, pending, unknown }: MigrationStatus): void {
  for (const name of applied) print(`[x] ${name}`);
  for (const name of pending) print(`[ ] ${name} (pending)`);
  for (const name of unknown) print(`[?] ${name} (applied, unknown to this version)`);
  print(
    pending.length === 0
      ? `up to date: ${applied.length} applied, none pending`
      : `${pending.length} pending: run \`${PROGRAM_NAME} migrate run\` (the server also runs them when it starts)`,
  );
}
