import { AppException } from '../common/errors/app.exception';
import { StartupError } from '../common/errors/startup.error';
import { ConfigValidationError } from '../config';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli.errors';

export interface Failure {
  /** One line for standard error (without the `portcullis: ` prefix); none when it was printed already. */
  message?: string;
  exitCode: number;
}

/** What commander throws (through exitOverride) instead of exiting: nest-commander's own copy of commander. */
interface CommanderExit {
  code: string;
  exitCode: number;
}

const isCommanderExit = (error: unknown): error is CommanderExit =>
  typeof (error as CommanderExit | null)?.code === 'string' &&
  (error as CommanderExit).code.startsWith('commander.') &&
  typeof (error as CommanderExit).exitCode === 'number';

const firstLine = (text: string) => text.split('\n', 1)[0];

/**
 * Any error a command ends with, as one line and an exit code: 2 for a wrong command line, 1 otherwise. Never a
 * stack trace: a failure nobody planned for still gets one line, and asks to be reported.
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (isCommanderExit(error)) {
    // Help or the version, as asked (0); or a usage error commander has explained already (CliProgramService), or
    // the help it shows for a missing command: 2.
    return { exitCode: error.exitCode === 0 ? EXIT_OK : EXIT_USAGE };
  }
  if (error instanceof ConfigValidationError) {
    return {
      message: `${error.problems.join('; ')}. Fix the settings (README, "Settings") and try again.`,
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof AppException) {
    const rule = error.details.rule;
    return {
      message: typeof rule === 'string' ? `${error.message} (rule: ${rule})` : error.message,
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof StartupError) return { message: error.message, exitCode: EXIT_FAILURE };
  const message = error instanceof Error ? firstLine(error.message) : String(error);
  return {
    message: `${message} (please report this, with the steps that led to it)`,
    exitCode: EXIT_FAILURE,
  };
}
