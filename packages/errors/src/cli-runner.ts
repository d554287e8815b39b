import type { BaseContext, Cli, Command } from 'clipanion';
import { groupListing, readablePlaceholders } from './cli-help.js';
import { describeParseError } from './parse-error.js';
import { reportError } from './report-error.js';

export { reportError };

/**
 * Runs one command line of a clipanion CLI (`lucky`, `create-lucky-charm`). Unlike
 * `Cli.runExit`, every failure is one `Error: <message>` line on stderr: usage
 * errors exit 2; Lucky errors and operating-system errors (ENOSPC, EACCES …) exit 1
 * with their message; anything else is a bug, shown with its stack only when
 * LUCKY_LOG_LEVEL is debug or trace.
 */
export async function runCli(cli: Cli<BaseContext>, argv: readonly string[], context: BaseContext): Promise<number> {
  const { stderr } = context;
  let command: Command<BaseContext>;
  try {
    command = cli.process([...argv], context);
  } catch (error) {
    // A group's name, alone or with --help, lists the group's commands.
    const listing = groupListing(cli, argv);
    if (listing !== undefined) {
      context.stdout.write(listing);
      return 0;
    }
    stderr.write(describeParseError(error instanceof Error ? error.message : String(error), argv, cli));
    return 2;
  }
  command.context = context;
  command.cli = {
    binaryLabel: cli.binaryLabel,
    binaryName: cli.binaryName,
    binaryVersion: cli.binaryVersion,
    enableCapture: cli.enableCapture,
    enableColors: cli.enableColors,
    definitions: () => cli.definitions(),
    error: (error: unknown, opts: Parameters<typeof cli.error>[1]) => cli.error(error, opts),
    format: (colored?: boolean) => cli.format(colored),
    process: (input: string[], sub?: Partial<BaseContext>) => cli.process(input, { ...context, ...sub }),
    run: (input: string[], sub?: Partial<BaseContext>) => cli.run(input, { ...context, ...sub }),
    // Help names its placeholders (`--format <format>`), never `#0`.
    usage: (cmd: Parameters<typeof cli.usage>[0], opts: Parameters<typeof cli.usage>[1]) => readablePlaceholders(cli.usage(cmd, opts)),
  } as unknown as Command<BaseContext>['cli'];
  try {
    if (command.help) {
      context.stdout.write(readablePlaceholders(cli.usage(command, { detailed: true })));
      return 0;
    }
    return (await command.validateAndExecute()) ?? 0;
  } catch (error) {
    return reportError(error, context, `${cli.binaryName} ${cli.binaryVersion ?? ''}`.trim());
  }
}
