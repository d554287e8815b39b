import { OPTION_SPEC, type OptionSpec } from './clipanion-shim.js';

/** A command instance of the fast bundle: its option fields still hold their specs. */
type Fields = Record<string, unknown>;

/** The options and positionals of a command instance of the fast bundle, in declaration order (clipanion's order). */
export function optionSpecs(command: object): [string, OptionSpec][] {
  const entries: [string, OptionSpec][] = [];
  for (const [key, value] of Object.entries(command)) {
    const spec = (value as { [OPTION_SPEC]?: OptionSpec } | null)?.[OPTION_SPEC];
    if (spec) entries.push([key, spec]);
  }
  return entries;
}

/**
 * Reads `args` (the words after the command's path) into the fields of `command`, as
 * clipanion would, for the plain forms scripts use: `--long value`, `--long=value`,
 * `-s value`, boolean flags, positionals in declaration order, then the rest.
 * Returns the field values, or undefined for anything else (help, an unknown or
 * repeated-in-doubt option, `--`, bundled short flags, a missing argument …): the
 * caller then runs the full CLI, so every error and help text is clipanion's own.
 * An option of arity N (`--range LOW HIGH`) takes the next N words as an array.
 * test/fast-path.test.ts checks that both give the same fields.
 */
export function fastParse(command: object, args: readonly string[], env: NodeJS.ProcessEnv): Fields | undefined {
  const entries = optionSpecs(command);
  if (entries.some(([, spec]) => spec.unsupported)) return undefined;
  const byName = new Map<string, [string, OptionSpec]>();
  for (const entry of entries) if (entry[1].kind === 'string' || entry[1].kind === 'boolean') for (const name of entry[1].names) byName.set(name, entry);
  const positionals = entries.filter(([, spec]) => spec.kind === 'positional');
  const rest = entries.find(([, spec]) => spec.kind === 'rest');
  // Positionals in the order clipanion reads them: required, then optional, then the rest.
  const order = entries
    .filter(([, spec]) => spec.kind === 'positional' || spec.kind === 'rest')
    .map(([, spec]) => (spec.kind === 'positional' && spec.required ? 0 : spec.kind === 'positional' ? 1 : 2));
  if (order.some((rank, i) => i > 0 && rank < order[i - 1]!)) return undefined;

  const given: Fields = {};
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const entry = byName.get(name);
    // Unknown options, -h/--help, `--`, `-`, `--no-<flag>` and bundles (-Ab) are clipanion's to judge.
    if (!entry) return undefined;
    const [key, spec] = entry;
    if (spec.kind === 'boolean') {
      if (eq !== -1) return undefined;
      given[key] = true;
    } else if (spec.kind === 'string' && spec.arity > 1) {
      // `--range LOW HIGH`: that many words, none of them option-like, and no `=` form.
      if (eq !== -1) return undefined;
      const values = args.slice(i + 1, i + 1 + spec.arity);
      if (values.length < spec.arity || values.some((value) => value.startsWith('-'))) return undefined;
      i += spec.arity;
      given[key] = values;
    } else {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith('-'))) return undefined;
      given[key] = value;
    }
  }

  const values: Fields = {};
  for (const [key, spec] of entries) {
    if (spec.kind === 'boolean') {
      if (spec.required && !(key in given)) return undefined;
      values[key] = key in given ? given[key] : spec.initial;
    } else if (spec.kind === 'string') {
      if (spec.required && !(key in given)) return undefined;
      const fromEnv = spec.env !== undefined && env[spec.env] ? env[spec.env] : undefined;
      values[key] = key in given ? given[key] : (fromEnv ?? spec.initial);
    }
  }
  const required = positionals.filter(([, spec]) => spec.kind === 'positional' && spec.required).length;
  const restRequired = rest?.[1].kind === 'rest' ? rest[1].required : 0;
  if (words.length < required + restRequired) return undefined;
  let next = 0;
  for (const [key, spec] of positionals) {
    if (spec.kind !== 'positional') continue;
    if (!spec.required && words.length - next <= restRequired) values[key] = undefined;
    else values[key] = words[next++];
  }
  if (rest) values[rest[0]] = words.slice(next);
  else if (next < words.length) return undefined;
  return values;
}
