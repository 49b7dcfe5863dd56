import { Module, type DynamicModule } from '@nestjs/common';
import {
  APPLICATION_MODULE,
  AppContextService,
  type ApplicationModuleFactory,
} from './app-context.service';
import { CliProgramService } from './cli-program.service';
import { CreateAdminCommand } from './commands/create-admin.command';
import { DisableUserCommand } from './commands/disable-user.command';
import { DoctorCommand } from './commands/doctor.command';
import { EnableUserCommand } from './commands/enable-user.command';
import { KeysCommand } from './commands/keys.command';
import { ListUsersCommand } from './commands/list-users.command';
import { MigrateCommand } from './commands/migrate.command';
import { ResetMfaCommand } from './commands/reset-mfa.command';
import { RevokeSessionsCommand } from './commands/revoke-sessions.command';
import { SetRolesCommand } from './commands/set-roles.command';

/**
 * The operator commands (nest-commander). This module holds only the command line: the application is booted by
 * AppContextService when a command needs it, from the root module src/cli.ts hands in (AppModule.forRoot), so that
 * the CLI imports no composition root of its own and runs the server's exact modules.
 */
@Module({})
export class CliModule {
  static forRoot(applicationModule: ApplicationModuleFactory): DynamicModule {
    return {
      module: CliModule,
      providers: [
        { provide: APPLICATION_MODULE, useValue: applicationModule },
        AppContextService,
        CliProgramService,
        CreateAdminCommand,
        SetRolesCommand,
        DisableUserCommand,
        EnableUserCommand,
        RevokeSessionsCommand,
        ResetMfaCommand,
        ListUsersCommand,
        MigrateCommand,
        DoctorCommand,
        KeysCommand,
      ],
    };
  }
}
