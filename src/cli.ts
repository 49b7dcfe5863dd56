#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandFactory } from 'nest-commander';
import { AppModule } from './app.module';
import { CliModule } from './cli/cli.module';
import { describeFailure } from './cli/describe-failure';

/**
 * If something still holds the event loop this long after the command has finished and closed the application, the
 * process ends anyway (and says so): an operator's shell never hangs on a finished command.
 */
const EXIT_GRACE_MS = 5000;

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One line on standard error, the exit code for it; never a stack trace. */
function fail(error: unknown): void {
  const { message, exitCode } = describeFailure(error);
  if (message) process.stderr.write(`portcullis: ${message}\n`);
  process.exitCode = exitCode;
}

/** The operator CLI: `portcullis <command>` (README, "Operator CLI"). */
async function main(): Promise<void> {
  try {
    await CommandFactory.run(
      CliModule.forRoot((config) => AppModule.forRoot({ config })),
      {
        // The command line's own context stays quiet; the application a command boots logs to standard error.
        logger: false,
        abortOnError: false,
        cliName: 'portcullis',
        version: version(),
        serviceErrorHandler: fail,
      },
    );
  } catch (error) {
    fail(error);
  }
  setTimeout(() => {
    process.stderr.write(
      'portcullis: the command finished but something kept the process alive; exiting\n',
    );
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}

void main();
