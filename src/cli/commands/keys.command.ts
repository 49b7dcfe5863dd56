import { Command, CommandRunner } from 'nest-commander';
import { SigningKeysService, type SigningKeyInfo } from '../../keys/signing-keys.service';
import { AppContextService } from '../app-context.service';
import { commandFailed, usageError } from '../cli.errors';
import { print } from '../output';
import { formatTable, minute, type TableColumn } from '../table';

const ACTIONS = ['list', 'rotate'] as const;

const at = (ms: number | null) =>
  minute(ms === null || ms === 0 ? null : new Date(ms).toISOString());

const COLUMNS: Array<TableColumn<SigningKeyInfo>> = [
  ['KID', (key) => key.kid],
  ['ALG', (key) => key.alg],
  ['STATE', (key) => key.state],
  ['CREATED (UTC)', (key) => at(key.createdAt)],
  ['SIGNING FROM', (key) => at(key.activatedAt)],
  ['SIGNING UNTIL', (key) => at(key.deactivatedAt)],
  ['RETIRED', (key) => at(key.retiredAt)],
];

/**
 * The access-token signing keys: `list` (the default) shows each key's kid, algorithm, state and dates; `rotate`
 * promotes the next key to current and makes a new next, without a restart and without invalidating any token
 * (every running instance picks the change up within seconds).
 */
@Command({
  name: 'keys',
  arguments: '[action]',
  description: 'list (the default) or rotate the access-token signing keys',
  argsDescription: { action: 'list or rotate' },
})
export class KeysCommand extends CommandRunner {
  constructor(private readonly context: AppContextService) {
    super();
  }

  async run([action = 'list']: string[]): Promise<void> {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw usageError(`unknown keys action "${action}": use list or rotate`);
    }
    const lines = await this.context.run(async (app) => {
      const keys = app.get(SigningKeysService);
      if (action === 'list') return formatTable(COLUMNS, await keys.list());
      let kid: string | undefined;
      try {
        kid = await keys.rotate();
      } catch (error) {
        // A static key (JWT_PRIVATE_KEY): the answer says how to change it instead.
        if (!keys.managed) throw commandFailed((error as Error).message);
        throw error;
      }
      if (!kid)
        throw commandFailed('another process rotated the keys at the same moment: run keys list');
      return [
        `rotated: ${kid} signs new tokens from now on; the key before it verifies until its tokens expire`,
      ];
    });
    for (const line of lines) print(line);
  }
}
