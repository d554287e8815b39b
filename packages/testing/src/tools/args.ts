/**
 * Command-line parsing with the rules of juju/gnuflag as jujuc uses it: `--long`,
 * `--long=value`, `--long value`, `-s value`, `-svalue`, grouped short bools (`-ab`),
 * options interspersed with arguments, `--` ending options, Go bool syntax
 * (`--app=True`), and jujuc's error texts (flags are called "options").
 */
import { HelpRequested, usageError } from './errors.js';

export interface OptionSpec {
  /** Names without dashes: one rune for `-x`, longer for `--name`. */
  readonly names: readonly string[];
  readonly kind: 'bool' | 'value';
  /** Where the value is stored; aliases share a key. */
  readonly key: string;
  /** Checks and converts a value; a thrown message is reported as an invalid value. */
  readonly parse?: (raw: string) => unknown;
}

export interface ParsedArgs {
  readonly args: readonly string[];
  has(key: string): boolean;
  bool(key: string): boolean;
  string(key: string, fallback: string): string;
  value<T>(key: string, fallback: T): T;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
}

function withDashes(name: string): string {
  return name.length > 1 ? `--${name}` : `-${name}`;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const values = new Map<string, unknown>();
  const args: string[] = [];
  const queue = [...argv];

  const set = (name: string, spec: OptionSpec, raw: string): void => {
    let value: unknown = raw;
    try {
      value = spec.kind === 'bool' ? parseGoBool(raw) : spec.parse ? spec.parse(raw) : raw;
    } catch (error) {
      usageError(`invalid value ${JSON.stringify(raw)} for option ${withDashes(name)}: ${(error as Error).message}`);
    }
    values.set(spec.key, value);
  };

  const lookup = (name: string): OptionSpec => {
    const spec = byName.get(name);
    if (spec) return spec;
    if (name === 'h' || name === 'help') throw new HelpRequested();
    return usageError(`option provided but not defined: ${withDashes(name)}`);
  };

  while (queue.length > 0) {
    const arg = queue.shift() ?? '';
    if (arg === '--') {
      args.push(...queue);
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      args.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (name === '') usageError(`empty option in argument ${JSON.stringify(arg)}`);
      const spec = lookup(name);
      if (eq !== -1) set(name, spec, arg.slice(eq + 1));
      else if (spec.kind === 'bool') set(name, spec, 'true');
      else if (queue.length > 0) set(name, spec, queue.shift() ?? '');
      else usageError(`option needs an argument: ${withDashes(name)}`);
      continue;
    }
    // A run of one-rune options; a value option takes the rest of the run, or the next argument.
    const runes = [...arg.slice(1)];
    while (runes.length > 0) {
      const name = runes.shift() ?? '';
      const spec = lookup(name);
      if (spec.kind === 'bool') {
        set(name, spec, 'true');
      } else if (runes.length > 0) {
        set(name, spec, runes.join(''));
        break;
      } else if (queue.length > 0) {
        set(name, spec, queue.shift() ?? '');
      } else {
        usageError(`option needs an argument: ${withDashes(name)}`);
      }
    }
  }

  return {
    args,
    has: (key) => values.has(key),
    bool: (key) => values.get(key) === true,
    string: (key, fallback) => {
      const value = values.get(key);
      return typeof value === 'string' ? value : fallback;
    },
    value: <T>(key: string, fallback: T): T => (values.has(key) ? (values.get(key) as T) : fallback),
  };
}
