import { Cli, UsageError, type BaseContext } from 'clipanion';
import { CreateCommand } from './command.js';
import { describeParseError } from './parse-error.js';
import { VERSION } from './version.js';

/**
 * Runs `create-lucky-charm` with `argv`. Errors are one `Error: …` line on
 * stderr: exit 2 for usage errors, 1 for refusals and failures.
 */
export async function run(argv: readonly string[], context: BaseContext): Promise<number> {
  const cli = new Cli({ binaryLabel: 'Create a Lucky charm', binaryName: 'create-lucky-charm', binaryVersion: VERSION, enableColors: false });
  cli.register(CreateCommand);
  const { stdout, stderr } = context;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stdout.write(`${VERSION}\n`);
    return 0;
  }
  // clipanion only sees --help right after the command path; accept it anywhere.
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(cli.usage(CreateCommand, { detailed: true }));
    return 0;
  }
  let command;
  try {
    command = cli.process([...argv], context);
  } catch (error) {
    const message = describeParseError(error instanceof Error ? error.message : String(error), argv, cli);
    stderr.write(`Error: ${message} Run "create-lucky-charm --help" for the options.\n`);
    return 2;
  }
  command.context = context;
  try {
    return (await command.validateAndExecute()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    // Refusals (CreateError) and system errors (EACCES, ENOSPC…) alike: their message says what failed.
    stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
