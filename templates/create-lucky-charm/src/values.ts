import { UsageError } from 'clipanion';
import { charmNameFrom, charmNameProblem } from './charm-name.js';
import { askWithDefault, type Ask } from './prompts.js';
import type { CharmValues } from './scaffold.js';

/** Lucky's defaults (BLD-02). */
export const DEFAULT_SUMMARY = 'A short summary of my app.';
export const DEFAULT_MAINTAINER = 'John Doe <johndoe@emailprovider.com>';
/** Display name when neither a directory nor a charm name says anything. */
export const DEFAULT_DISPLAY_NAME = 'My Charm';

/** What the command line said; every value is optional. */
export interface ValueFlags {
  readonly name?: string | undefined;
  readonly displayName?: string | undefined;
  readonly summary?: string | undefined;
  readonly maintainer?: string | undefined;
}

/** Flag values land in one-line YAML and Markdown fields; refuse what they cannot hold. */
export function checkFlags(flags: ValueFlags): void {
  for (const [flag, value] of [
    ['--name', flags.name],
    ['--display-name', flags.displayName],
    ['--summary', flags.summary],
    ['--maintainer', flags.maintainer],
  ] as const) {
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`${flag} is empty.`);
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new UsageError(`${flag} must be one line of text.`);
  }
  const problem = flags.name === undefined ? undefined : charmNameProblem(flags.name);
  if (problem) throw new UsageError(problem);
}

/**
 * The charm's values: flags first, then (with `ask`) answers to the prompts
 * of BLD-02 in its order, else the defaults. `dirName` is the last component
 * of the target directory, when one was given.
 */
export async function resolveValues(flags: ValueFlags, dirName: string | undefined, ask: Ask | undefined, output: NodeJS.WritableStream): Promise<CharmValues> {
  const value = async (given: string | undefined, label: string, fallback: string, problem?: (v: string) => string | undefined): Promise<string> => {
    if (given !== undefined) return given.trim();
    if (ask) return askWithDefault(ask, label, fallback, problem, output);
    return fallback;
  };
  const displayName = await value(flags.displayName, 'Display name', dirName ?? flags.name ?? DEFAULT_DISPLAY_NAME);
  const name = await value(flags.name, 'Charm name', charmNameFrom(displayName) || charmNameFrom(DEFAULT_DISPLAY_NAME), charmNameProblem);
  const problem = charmNameProblem(name);
  if (problem) throw new UsageError(`${problem} It was derived from "${displayName}"; give a name with --name.`);
  const summary = await value(flags.summary, 'Charm summary', DEFAULT_SUMMARY);
  const maintainer = await value(flags.maintainer, 'Charm maintainer', DEFAULT_MAINTAINER);
  return { name, displayName, summary, maintainer };
}
