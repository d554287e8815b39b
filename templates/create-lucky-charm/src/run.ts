import { Cli, type BaseContext } from 'clipanion';
import { runCli } from '@lucky/errors/cli';
import { CreateCommand } from './command.js';
import { VERSION } from './version.js';

/**
 * Runs `create-lucky-charm` with `argv`. Errors are one `Error: …` line on
 * stderr: exit 2 for usage errors, 1 for refusals and failures.
 */
export async function run(argv: readonly string[], context: BaseContext): Promise<number> {
  const cli = new Cli({ binaryLabel: 'Create a Lucky charm', binaryName: 'create-lucky-charm', binaryVersion: VERSION, enableColors: false });
  cli.register(CreateCommand);
  const { stdout } = context;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stdout.write(`${VERSION}\n`);
    return 0;
  }
  // clipanion only sees --help right after the command path; accept it anywhere.
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(cli.usage(CreateCommand, { detailed: true }));
    return 0;
  }
  return runCli(cli, argv, context);
}
