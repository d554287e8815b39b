import { Builtins, Cli } from 'clipanion';
import { ImageCommand } from './commands/image.js';
import { ExportDbCommand, ImportDbCommand } from './commands/replica.js';
import { ServeCommand } from './commands/serve.js';
import { AllowDomainsCommand, CreateUserCommand, ListDomainsCommand, RevokeDomainsCommand } from './commands/users.js';
import { VERSION } from './version.js';

/** The `httpreq-provider` command line. */
export function createCli(): Cli {
  const cli = new Cli({ binaryLabel: 'httpreq provider for lego', binaryName: 'httpreq-provider', binaryVersion: VERSION });
  for (const command of [
    ServeCommand,
    CreateUserCommand,
    AllowDomainsCommand,
    RevokeDomainsCommand,
    ListDomainsCommand,
    ExportDbCommand,
    ImportDbCommand,
    ImageCommand,
  ]) {
    cli.register(command);
  }
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}
