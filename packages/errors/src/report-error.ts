import { isLuckyError, isSystemError } from './lucky-error.js';

/** Where `reportError` writes, and what it reads: a clipanion context has both. */
export interface ErrorReportContext {
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Prints an error the way `runCli` does and returns the exit code; for entries that do
 * not go through clipanion. Usage errors (clipanion's UsageError, told by its name, so
 * this module needs no clipanion: `lucky`'s fast path uses it) exit 2; Lucky errors and
 * operating-system errors exit 1 with their message; anything else is a bug, shown with
 * its stack only when LUCKY_LOG_LEVEL is debug or trace.
 */
export function reportError(error: unknown, context: ErrorReportContext, program: string): number {
  const { stderr } = context;
  if (error instanceof Error && error.name === 'UsageError') {
    stderr.write(`Error: ${error.message}\n`);
    return 2;
  }
  if (isLuckyError(error) || isSystemError(error)) {
    stderr.write(`Error: ${error.message}\n`);
    return 1;
  }
  const debug = /^(debug|trace)$/i.test(context.env.LUCKY_LOG_LEVEL ?? '');
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  stderr.write(`Error: internal error in ${program}: ${detail}\n${debug ? '' : 'Set LUCKY_LOG_LEVEL=debug for details. '}This is a bug; please report it.\n`);
  return 1;
}
