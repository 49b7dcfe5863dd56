/** Exit codes of the operator CLI. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A failure the CLI explains in one line (`portcullis: <message>` on standard error) before it exits with
 * `exitCode`: 2 when the command line itself is wrong, 1 when the command could not do what was asked.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line is wrong (an argument or option value): exit 2. */
export const usageError = (message: string) => new CliError(message, EXIT_USAGE);

/** The command was understood but could not be carried out: exit 1. */
export const commandFailed = (message: string) => new CliError(message, EXIT_FAILURE);

export const noAccountWithEmail = (email: string) =>
  commandFailed(`no account has the email ${email}`);

export const noAccountWithId = (id: string) => commandFailed(`no account has the id ${id}`);

export const notAUserReference = (reference: string) =>
  usageError(`"${reference}" is neither an email address nor an account id`);
