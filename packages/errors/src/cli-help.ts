import type { BaseContext, Cli } from 'clipanion';

type Definition = ReturnType<Cli<BaseContext>['definitions']>[number];

/** The words of a definition's path (`lucky kv get [key]` → kv, get). */
export function commandWords(definition: Definition): string[] {
  const tokens = definition.path.split(' ').slice(1);
  const end = tokens.findIndex((token) => !/^[a-z0-9][a-z0-9-]*$/i.test(token));
  return end === -1 ? tokens : tokens.slice(0, end);
}

/**
 * clipanion prints an option's value and an unnamed positional as `#0`: name them
 * instead, an option's value after the option (`--relation-id <relation-id>`),
 * anything else `<value>`.
 */
export function readablePlaceholders(text: string): string {
  const named = (line: string) =>
    line
      .replace(/((?:-[a-zA-Z0-9],)?--([a-z0-9][a-z0-9-]*)) #\d+/g, (_all, option: string, name: string) => `${option} <${name}>`)
      .replace(/(-[a-zA-Z0-9]) #\d+/g, '$1 <value>')
      .replace(/#\d+/g, '<value>');
  // A detailed usage's option table (`  --format #0    description`): realigned after the
  // longer names, as clipanion aligns it (four spaces after the longest).
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const rows: Array<[string, string]> = [];
    let match: RegExpExecArray | null;
    while (i < lines.length && (match = /^ {2}(-\S.*?) {2,}(\S.*)$/.exec(lines[i]!))) {
      rows.push([named(match[1]!), match[2]!]);
      i++;
    }
    if (rows.length > 0) {
      const width = Math.max(...rows.map(([option]) => option.length)) + 4;
      for (const [option, description] of rows) out.push(`  ${option.padEnd(width)}${description}`);
      continue;
    }
    out.push(named(lines[i]!));
    i++;
  }
  return out.join('\n');
}

const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * When argv names a group of commands (`sim`, `container image`), alone or with
 * --help, and no command by itself: the group's commands, one a line with their
 * description, as `git`'s and `docker`'s groups list theirs.
 */
export function groupListing(cli: Cli<BaseContext>, argv: readonly string[]): string | undefined {
  const words = argv.filter((arg) => !HELP_FLAGS.has(arg));
  if (words.length === 0 || words.length < argv.length - 1 || words.some((word) => word.startsWith('-'))) return undefined;
  const definitions = cli.definitions();
  const members = definitions.filter((definition) => {
    const path = commandWords(definition);
    return path.length > words.length && words.every((word, i) => path[i] === word);
  });
  if (members.length === 0) return undefined;
  if (definitions.some((definition) => commandWords(definition).join(' ') === words.join(' '))) return undefined;
  const bin = cli.binaryName;
  const lines = members
    .map((definition) => ({ usage: readablePlaceholders(definition.path), description: definition.description ?? '' }))
    .sort((a, b) => a.usage.localeCompare(b.usage));
  const width = Math.min(Math.max(...lines.map((line) => line.usage.length)), 60);
  const body = lines.map(({ usage, description }) => `  ${usage.padEnd(width)}  ${description}`.trimEnd()).join('\n');
  return `The "${[bin, ...words].join(' ')}" commands:\n\n${body}\n\nRun "${[bin, ...words].join(' ')} <command> --help" for one.\n`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The commands closest to an unknown command line: those whose words differ from
 * argv's leading words by at most a third of their length (at least one edit),
 * best first, at most three.
 */
export function closestCommands(definitions: readonly Definition[], argv: readonly string[]): string[] {
  const stop = argv.findIndex((arg) => arg.startsWith('-'));
  const words = stop === -1 ? argv : argv.slice(0, stop);
  const scored = new Map<string, number>();
  for (const definition of definitions) {
    const path = commandWords(definition);
    if (path.length === 0 || path.length > words.length) continue;
    const wanted = words.slice(0, path.length).join(' ');
    const name = path.join(' ');
    const score = distance(wanted, name);
    if (score === 0 || score > Math.max(1, Math.floor(name.length / 3))) continue;
    scored.set(name, Math.min(score, scored.get(name) ?? Infinity));
  }
  return [...scored.entries()]
    .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
    .slice(0, 3)
    .map(([name]) => name);
}
