import { Cli, UsageError, type BaseContext, type Command } from 'clipanion';
import { isLuckyError } from '@lucky/core/client';

/**
 * Runs one command line. Unlike `Cli.runExit`, errors go to stderr as one line,
 * `Error: <message>`: usage errors exit 2, Lucky errors exit 1, and a stack trace
 * is shown only for internal errors and only with LUCKY_LOG_LEVEL=debug or trace.
 */
export async function runCli(cli: Cli<BaseContext>, argv: string[], context: BaseContext): Promise<number> {
  const { stderr } = context;
  let command: Command<BaseContext>;
  try {
    command = cli.process(argv, context);
  } catch (error) {
    stderr.write(describeParseError(error instanceof Error ? error.message : String(error), argv));
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
    usage: (cmd: Parameters<typeof cli.usage>[0], opts: Parameters<typeof cli.usage>[1]) => cli.usage(cmd, opts),
  } as unknown as Command<BaseContext>['cli'];
  try {
    if (command.help) {
      context.stdout.write(cli.usage(command, { detailed: true }));
      return 0;
    }
    return (await command.validateAndExecute()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    // The simulator's refusals are user errors too (it does not depend on core's error type).
    if (isLuckyError(error) || (error instanceof Error && error.name === 'SimulatorError')) {
      stderr.write(`Error: ${error.message}\n`);
      return 1;
    }
    const debug = /^(debug|trace)$/i.test(context.env.LUCKY_LOG_LEVEL ?? '');
    const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
    stderr.write(`Error: internal error in Lucky: ${detail}\n${debug ? '' : 'Set LUCKY_LOG_LEVEL=debug for details. '}This is a bug in Lucky ${cli.binaryVersion ?? ''}; please report it.\n`);
    return 1;
  }
}

/**
 * clipanion's parse errors list candidate usages over many lines; turn them into
 * one `Error:` line plus the usage of the command that was meant.
 */
function describeParseError(message: string, argv: readonly string[]): string {
  const usages = [...new Set([...message.matchAll(/^\s*(?:\$|\d+\.)\s+(lucky .*)$/gm)].map((match) => match[1]!))];
  const hint = 'Run "lucky --help" for the commands, or "lucky <command> --help" for one.\n';
  if (/^Command not found/.test(message)) {
    if (usages.length > 0 && usages.length <= 3) {
      return `Error: Invalid arguments for "lucky ${argv.join(' ')}".\nUsage: ${usages.join('\n   or: ')}\n`;
    }
    return `Error: Unknown command: lucky ${argv.join(' ')}\n${hint}`;
  }
  const first = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return `Error: ${first}\n${usages.length === 1 ? `Usage: ${usages[0]}\n` : hint}`;
}
