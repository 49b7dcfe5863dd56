import { AppException } from '../common/errors/app.exception';
import { StartupError } from '../common/errors/startup.error';
import { ConfigValidationError } from '../config';
import { weakPassword } from '../passwords/passwords.errors';
import { usageError } from './cli.errors';
import { describeFailure } from './describe-failure';

const commanderExit = (code: string, exitCode: number) =>
  Object.assign(new Error('(outputHelp)'), { code, exitCode });

describe('describeFailure', () => {
  it('a CLI error keeps its message and exit code', () => {
    expect(describeFailure(usageError('give at least one role'))).toEqual({
      message: 'give at least one role',
      exitCode: 2,
    });
  });

  it('a weak password names the rule', () => {
    expect(
      describeFailure(weakPassword('too_short', 'password must be at least 8 characters long')),
    ).toEqual({
      message: 'password must be at least 8 characters long (rule: too_short)',
      exitCode: 1,
    });
  });

  it('a service error is its message; a start-up error too', () => {
    expect(describeFailure(new AppException('last_admin', 'this is the last one'))).toEqual({
      message: 'this is the last one',
      exitCode: 1,
    });
    expect(describeFailure(new StartupError('PostgreSQL is unreachable'))).toEqual({
      message: 'PostgreSQL is unreachable',
      exitCode: 1,
    });
  });

  it('bad settings: every problem, on one line', () => {
    const error = new ConfigValidationError([
      'PORT must be an integer number',
      'LOG_LEVEL must be one of …',
    ]);
    expect(describeFailure(error)).toEqual({
      message:
        'PORT must be an integer number; LOG_LEVEL must be one of …. Fix the settings (README, "Settings") and try again.',
      exitCode: 1,
    });
  });

  it('anything else: its first line, and a request to report it', () => {
    expect(describeFailure(new Error('boom\n    at somewhere (file.js:1:2)'))).toEqual({
      message: 'boom (please report this, with the steps that led to it)',
      exitCode: 1,
    });
  });

  it('commander: help and version end with 0 and nothing more; its usage errors with 2', () => {
    expect(describeFailure(commanderExit('commander.helpDisplayed', 0))).toEqual({ exitCode: 0 });
    expect(describeFailure(commanderExit('commander.version', 0))).toEqual({ exitCode: 0 });
    expect(describeFailure(commanderExit('commander.help', 1))).toEqual({ exitCode: 2 });
    expect(describeFailure(commanderExit('commander.unknownOption', 1))).toEqual({ exitCode: 2 });
  });
});
