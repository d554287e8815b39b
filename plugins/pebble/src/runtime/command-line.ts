/**
 * A service's `command` is one string that Pebble splits with shlex (POSIX quoting:
 * single quotes literal, double quotes and backslashes as in sh), and in which a
 * bare `[ … ]` group holds default arguments. Lucky's definitions keep argv arrays,
 * so each word is quoted here to come back out of Pebble's split unchanged.
 */
import { ErrorCode, LuckyError, containerLabel, type ContainerDefinition } from '@lucky/core';
import { shellQuote } from '@lucky/core/system';

/** One word, quoted for shlex: shlex reads POSIX quoting as sh does, so this is sh's quoting. */
export const quoteWord: (word: string) => string = shellQuote;

/**
 * The service command for a definition: entrypoint, then command. Under Pebble the
 * image's own entrypoint and command are never run (Pebble is the container's first
 * process and cannot read them), so a definition needs at least one of the two.
 */
export function serviceCommand(key: string, definition: ContainerDefinition): string {
  const argv = [...(definition.entrypoint === null ? [] : [definition.entrypoint]), ...(definition.command ?? [])];
  if (argv.length === 0) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Container "${containerLabel(key)}" has no command: under Pebble the image's entrypoint is not run, so give the service's command with "lucky container set-command${key === '' ? '' : ` -c ${key}`} -- <program> <args…>" (or set-entrypoint).`,
    );
  }
  // After shlex, a quoted "[" is a bare one again, and Pebble would take it for a default-arguments group.
  const bracket = argv.find((word) => word === '[' || word === ']');
  if (bracket !== undefined) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Container "${containerLabel(key)}": Pebble cannot pass the argument "${bracket}" to a service (it marks default arguments in a service command); wrap the command in a script instead.`,
    );
  }
  return argv.map(quoteWord).join(' ');
}
