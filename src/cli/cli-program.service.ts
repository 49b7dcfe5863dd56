import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';

type WriteOutput = (text: string) => void;

/**
 * The part of commander's Command this service uses. nest-commander brings its own copy of commander (another
 * major than the one other tools install at the top of node_modules), so the type is spelled out, not imported.
 */
interface ProgramCommand {
  readonly commands: readonly ProgramCommand[];
  name(): string;
  name(name: string): this;
  description(text: string): this;
  exitOverride(callback: (error: Error) => never): this;
  allowExcessArguments(allow: boolean): this;
  configureOutput(output: { outputError: (text: string, write: WriteOutput) => void }): this;
}

export const PROGRAM_NAME = 'portcullis';

/**
 * Shapes the command line nest-commander built from the commands: its name, a refusal of unexpected arguments, and
 * usage errors as one line (`portcullis: missing required argument 'email' (see portcullis create-admin --help)`)
 * that end in exit code 2 instead of commander's own process.exit(1) (see describeFailure).
 */
@Injectable()
export class CliProgramService implements OnApplicationBootstrap {
  constructor(@InjectCommander() private readonly program: ProgramCommand) {}

  /** After every onModuleInit: nest-commander builds the commands in its own. */
  onApplicationBootstrap(): void {
    this.program
      .name(PROGRAM_NAME)
      .description('Portcullis operator commands: the same settings and database as the server.');
    this.shape(this.program, PROGRAM_NAME);
    for (const command of this.program.commands) {
      this.shape(command, `${PROGRAM_NAME} ${command.name()}`);
    }
  }

  private shape(command: ProgramCommand, path: string): void {
    command
      .allowExcessArguments(false)
      .exitOverride((error) => {
        throw error;
      })
      .configureOutput({
        outputError: (text, write) =>
          write(`${PROGRAM_NAME}: ${text.trim().replace(/^error: /, '')} (see: ${path} --help)\n`),
      });
  }
}
