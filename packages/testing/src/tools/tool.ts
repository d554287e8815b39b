import { writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { atoi } from '../model/ports.js';
import type { OptionSpec, ParsedArgs } from './args.js';
import { findRelation, type ToolContext } from './context.js';
import { formatValue, type GoValue, type OutputFormat } from './format.js';
import { toolIO } from './io.js';

/** One hook tool: its options (which may depend on the hook context) and its command. */
export interface ToolDefinition {
  readonly name: string;
  /** Argument synopsis for `--help`. */
  readonly args: string;
  readonly purpose: string;
  options(context: ToolContext): readonly OptionSpec[];
  /** Throws ToolError: usageError for bad arguments (exit 2), runtimeError otherwise (exit 1). */
  run(context: ToolContext, parsed: ParsedArgs): Promise<void>;
}

const FORMATS: readonly OutputFormat[] = ['json', 'smart', 'yaml'];

/** `--format` and `-o/--output`, added by juju/cmd's Output to every tool that prints data. */
export function outputOptions(): OptionSpec[] {
  return [
    {
      names: ['format'],
      kind: 'value',
      key: 'format',
      parse: (raw) => {
        if (!(FORMATS as readonly string[]).includes(raw)) throw new Error(`unknown format ${JSON.stringify(raw)}`);
        return raw;
      },
    },
    { names: ['o', 'output'], kind: 'value', key: 'output' },
  ];
}

export function outputFormat(parsed: ParsedArgs, fallback: OutputFormat = 'smart'): OutputFormat {
  return parsed.value<OutputFormat>('format', fallback);
}

/** Writes a value in the chosen format to stdout, or to the `-o` file (relative to the cwd). */
export async function writeOutput(context: ToolContext, parsed: ParsedArgs, value: GoValue, fallback: OutputFormat = 'smart'): Promise<void> {
  const text = await formatValue(outputFormat(parsed, fallback), value);
  const path = parsed.string('output', '');
  const io = toolIO();
  // Created with the caller's umask, as the tool's own process would create it.
  if (path !== '') await writeFile(isAbsolute(path) ? path : join(context.cwd, path), text, io.umask === null ? {} : { mode: 0o666 & ~io.umask });
  else io.stdout(text);
}

/** `-r/--relation <id>|<endpoint>:<id>`; only the number after the last colon counts. */
export function relationIdOption(context: ToolContext): OptionSpec {
  return {
    names: ['r', 'relation'],
    kind: 'value',
    key: 'relation',
    parse: (raw) => {
      let id: number;
      try {
        id = atoi(raw.slice(raw.lastIndexOf(':') + 1));
      } catch {
        throw new Error('invalid relation id');
      }
      if (!findRelation(context, id)) throw new Error('relation not found');
      return id;
    },
  };
}

/** The relation id from `-r`, else the hook's relation, else -1. */
export function selectedRelationId(context: ToolContext, parsed: ParsedArgs): number {
  const fallback = context.hook.relationId !== null && findRelation(context, context.hook.relationId) ? context.hook.relationId : -1;
  return parsed.value<number>('relation', fallback);
}

export function boolOption(...names: string[]): OptionSpec {
  return { names, kind: 'bool', key: names[names.length - 1] ?? '' };
}

export function valueOption(...names: string[]): OptionSpec {
  return { names, kind: 'value', key: names[names.length - 1] ?? '' };
}

/** jujuc's warning for the `--format` accepted (and ignored) by tools without output. */
export function warnDeprecatedFormat(parsed: ParsedArgs, tool: string): void {
  if (parsed.string('format', '') !== '') toolIO().stderr(`--format flag deprecated for command ${JSON.stringify(tool)}`);
}

/** keyvalues.Parse(args, true): `key=value` pairs, empty values allowed, duplicates rejected. */
export function parseKeyValues(args: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`expected "key=value", got ${JSON.stringify(arg)}`);
    const key = arg.slice(0, eq);
    if (result.has(key)) throw new Error(`key ${JSON.stringify(key)} specified more than once`);
    result.set(key, arg.slice(eq + 1));
  }
  return result;
}

/** `record[key]` for own keys only, else null (keys like `constructor` are data here). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | null {
  return Object.hasOwn(record, key) ? (record[key] ?? null) : null;
}
