import { isMap, isScalar, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { goParseBool, goParseFloat, goParseInt, goYamlV2Value, showGoValue, type GoValue } from './go-values.js';

/**
 * Juju's rules for charm config options (config.yaml), as its charm package applies
 * them: `ReadConfig` checks each default with the option type's schema checker
 * (juju/schema String, Int, Float, Bool, and a secret URI check), `juju config`
 * parses command-line values with Go's strconv (`ParseSettingsStrings`). What Juju
 * coerces, Lucky accepts with a warning saying what to write instead; what Juju
 * refuses, Lucky refuses, at the same position.
 */

export const CONFIG_OPTION_TYPES = ['string', 'int', 'float', 'boolean', 'secret'] as const;
export type ConfigOptionType = (typeof CONFIG_OPTION_TYPES)[number];
export type ConfigOptionValue = string | number | boolean;

/** The outcome for one value: its typed value (undefined: no value), and a warning or an error (without position). */
export type OptionValueCheck =
  { readonly ok: true; readonly value: ConfigOptionValue | undefined; readonly warning?: string } | { readonly ok: false; readonly error: string };

const article = (type: string): string => (/^[aeiou]/.test(type) ? 'an' : 'a');

/** A number Lucky passes on: a JavaScript number carries integers exactly only up to 2^53. */
function exactInt(value: bigint): number | undefined {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function refuse(type: ConfigOptionType, shown: string, why: string): OptionValueCheck {
  return { ok: false, error: `Juju refuses ${shown} for ${article(type)} ${type} option: ${why}` };
}

/**
 * Juju's check of a typed value (a default read by go-yaml v2, or a value given as
 * YAML/JSON): schema.String takes strings only; schema.Int Go integers, and strings
 * Go's ParseInt reads with base 0; schema.Float floats only (not integers, not
 * strings); schema.Bool booleans, and strings ParseBool reads. `literal` is how the
 * value was written, for messages.
 */
export function checkOptionValue(type: ConfigOptionType, value: GoValue, literal: string = showGoValue(value)): OptionValueCheck {
  const shown = literal;
  if (value.kind === 'null') return { ok: true, value: undefined };
  switch (type) {
    case 'string':
      if (value.kind === 'string') return { ok: true, value: value.value };
      return refuse(
        type,
        shown,
        value.kind === 'map' || value.kind === 'list'
          ? 'write the text instead'
          : `Juju's YAML reader reads ${shown} as ${value.kind === 'bool' ? 'a boolean' : 'a number'}; quote it: "${shown}"`,
      );
    case 'secret': {
      if (value.kind !== 'string') return refuse(type, shown, 'a secret option takes a secret URI such as "secret:cj4v5vm78ohs79o84r4g" (quoted)');
      if (value.value === '') return { ok: true, value: '' };
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value.value)?.[1];
      if (scheme !== 'secret')
        return refuse(type, shown, `a secret option takes a secret URI ("secret:<id>"), and this has ${scheme ? `the scheme "${scheme}"` : 'no URI scheme'}`);
      return { ok: true, value: value.value };
    }
    case 'int': {
      if (value.kind === 'int') return intValue(type, shown, value.value);
      if (value.kind === 'string') {
        const parsed = goParseInt(value.value, 0);
        if (parsed === undefined) return refuse(type, shown, 'it is not a whole number; write one, e.g. 8080');
        const checked = intValue(type, shown, parsed);
        return checked.ok ? { ...checked, warning: `${shown} is a string; Juju reads it as the int ${parsed}: write ${parsed} without quotes` } : checked;
      }
      if (value.kind === 'float' && Number.isInteger(value.value))
        return refuse(type, shown, `Juju's YAML reader reads ${shown} as a float, not an int; write ${value.value} (no decimal point)`);
      return refuse(type, shown, 'write a whole number, e.g. 8080');
    }
    case 'float': {
      if (value.kind === 'float') {
        if (!Number.isFinite(value.value))
          return refuse(type, shown, 'Juju takes it, but hooks could not read it: config-get prints JSON, which has no NaN or infinity');
        return { ok: true, value: value.value };
      }
      if (value.kind === 'int')
        return refuse(type, shown, `Juju's YAML reader reads ${shown} as an int, and a float option's value must be a float: write ${shown}.0`);
      if (value.kind === 'string') {
        const parsed = goParseFloat(value.value);
        return refuse(
          type,
          shown,
          parsed !== undefined && Number.isFinite(parsed)
            ? `Juju does not convert strings for float options: write ${showFloat(parsed)} without quotes`
            : 'write a number with a decimal point, e.g. 0.5',
        );
      }
      return refuse(type, shown, 'write a number with a decimal point, e.g. 0.5');
    }
    case 'boolean': {
      if (value.kind === 'bool') return { ok: true, value: value.value };
      if (value.kind === 'string') {
        const parsed = goParseBool(value.value);
        if (parsed === undefined) return refuse(type, shown, 'write true or false');
        return { ok: true, value: parsed, warning: `${shown} is a string; Juju reads it as the boolean ${parsed}: write ${parsed} without quotes` };
      }
      return refuse(type, shown, 'write true or false');
    }
  }
}

function intValue(type: ConfigOptionType, shown: string, value: bigint): OptionValueCheck {
  const exact = exactInt(value);
  if (exact === undefined)
    return {
      ok: false,
      error: `${shown} is beyond what Lucky carries exactly (±2^53) for ${article(type)} ${type} option; use a smaller number or a string option`,
    };
  return { ok: true, value: exact };
}

function showFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * Juju's `option.parse` for `juju config app key=value` (ParseSettingsStrings): a
 * string or secret is taken as written; int is strconv.ParseInt(s, 10, 64); float
 * strconv.ParseFloat(s, 64); boolean strconv.ParseBool(s). Command-line values are
 * always strings, so a coerced value is no reason for a warning.
 */
export function parseOptionString(type: ConfigOptionType, text: string): OptionValueCheck {
  const shown = JSON.stringify(text);
  switch (type) {
    case 'string':
    case 'secret':
      return { ok: true, value: text };
    case 'int': {
      const parsed = goParseInt(text, 10);
      if (parsed === undefined) return refuse(type, shown, 'write a whole number in decimal, e.g. 8080');
      return intValue(type, shown, parsed);
    }
    case 'float': {
      const parsed = goParseFloat(text);
      if (parsed === undefined) return refuse(type, shown, 'write a number, e.g. 0.5');
      if (!Number.isFinite(parsed))
        return refuse(type, shown, 'Juju takes it, but hooks could not read it: config-get prints JSON, which has no NaN or infinity');
      return { ok: true, value: parsed };
    }
    case 'boolean': {
      const parsed = goParseBool(text);
      return parsed === undefined ? refuse(type, shown, 'write true or false (or 1/0, t/f)') : { ok: true, value: parsed };
    }
  }
}

/** A config option as Juju keeps it after ReadConfig. */
export interface CheckedConfigOption {
  readonly type: ConfigOptionType;
  readonly default?: ConfigOptionValue;
  readonly description?: string;
}

/** What reading config.yaml's options the way Juju does found. Problems and warnings are `file:line:col: key.path: reason`. */
export interface ConfigOptionsReport {
  /** undefined when the document has no `options` mapping (the caller's schema says why). */
  readonly options: Readonly<Record<string, CheckedConfigOption>> | undefined;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Reads the `options:` of a parsed config.yaml (or of charmcraft.yaml's `config:`,
 * with `at` = ['config']) the way Juju's ReadConfig does: a missing type is
 * "string" (for pyjuju's sake, with a warning); an unknown type is refused; an empty
 * string default of a string option is taken as is; every other default goes through
 * the type's check. Defaults are read from the source text with go-yaml v2's rules,
 * so `yes` is true and `0777` is 511, as on a Juju controller.
 */
export function readConfigOptions(doc: Document, counter: LineCounter, file: string, at: readonly string[] = []): ConfigOptionsReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const where = (node: unknown, path: readonly (string | number)[]): string => {
    const offset = (node as Node | null | undefined)?.range?.[0] ?? 0;
    const pos = counter.linePos(offset);
    return `${file}:${pos.line}:${pos.col}: ${path.join('.')}`;
  };
  let parent: unknown = doc.contents;
  for (const key of at) parent = isMap(parent) ? lastPair(parent.items, key)?.value : undefined;
  const optionsPair = isMap(parent) ? lastPair(parent.items, 'options') : undefined;
  if (!optionsPair || !isMap(optionsPair.value)) return { options: undefined, problems, warnings };
  const options: Record<string, CheckedConfigOption> = {};
  const items = optionsPair.value.items;
  for (const pair of items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const name = String(pair.key.value);
    // A repeated option: only the last one counts (duplicate-keys.ts warns about the repeat).
    if (lastPair(items, name) !== pair) continue;
    const path = [...at, 'options', name];
    const optionNode = pair.value;
    const typePair = lastPair(optionNode.items, 'type');
    const typeValue = typePair ? goYamlV2Value(typePair.value) : ({ kind: 'null' } as GoValue);
    let type: ConfigOptionType;
    if (typeValue.kind === 'null' || (typeValue.kind === 'string' && typeValue.value === '')) {
      type = 'string';
      warnings.push(`${where(typePair?.value ?? pair.key, path)}: the option has no type; Juju takes it as a string option: write "type: string"`);
    } else if (typeValue.kind === 'string' && (CONFIG_OPTION_TYPES as readonly string[]).includes(typeValue.value)) {
      type = typeValue.value as ConfigOptionType;
    } else {
      problems.push(
        `${where(typePair?.value, [...path, 'type'])}: Juju refuses the type ${showGoValue(typeValue)}: use one of ${CONFIG_OPTION_TYPES.join(', ')}`,
      );
      continue;
    }
    const option: { type: ConfigOptionType; default?: ConfigOptionValue; description?: string } = { type };
    const description = lastPair(optionNode.items, 'description')?.value;
    if (isScalar(description) && typeof description.value === 'string') option.description = description.value;
    const defaultPair = lastPair(optionNode.items, 'default');
    if (defaultPair) {
      const node = defaultPair.value;
      const value = goYamlV2Value(node);
      const literal = literalOf(node, value);
      const check =
        value.kind === 'string' && value.value === '' && (type === 'string' || type === 'secret')
          ? ({ ok: true, value: '' } as const)
          : checkOptionValue(type, value, literal);
      const position = where(node ?? defaultPair.key, [...path, 'default']);
      if (!check.ok) {
        problems.push(`${position}: ${check.error}`);
        continue;
      }
      if (check.warning) warnings.push(`${position}: ${check.warning}`);
      else if (check.value !== undefined) {
        const other = yaml12Reading(node, check.value);
        if (other) warnings.push(`${position}: ${other}`);
      }
      if (check.value !== undefined) option.default = check.value;
    }
    options[name] = option;
  }
  return { options, problems, warnings };
}

function lastPair(items: readonly Pair<unknown, unknown>[], key: string): Pair<unknown, unknown> | undefined {
  let found: Pair<unknown, unknown> | undefined;
  for (const item of items) if (isScalar(item.key) && String(item.key.value) === key) found = item;
  return found;
}

/** How a default was written: its source text for a plain scalar Juju reads as a number or boolean, else its value (strings quoted). */
function literalOf(node: unknown, value: GoValue): string {
  if (isScalar(node) && value.kind !== 'string') {
    const source = (node as { source?: unknown }).source;
    if (node.type === 'PLAIN' && typeof source === 'string') return source;
  }
  return showGoValue(value);
}

/**
 * A plain scalar that YAML 1.2 readers (most tools, and Lucky's own) read otherwise
 * than Juju's go-yaml v2 (YAML 1.1): `yes`/`on` booleans, `0777` octal. Juju's reading
 * is the one that counts; the warning asks for a spelling every reader agrees on.
 */
function yaml12Reading(node: unknown, juju: ConfigOptionValue): string | undefined {
  if (!isScalar(node) || node.type !== 'PLAIN' || node.tag) return undefined;
  const modern = node.value;
  if (modern === juju || (typeof modern === 'number' && typeof juju === 'number' && modern === juju)) return undefined;
  const source = (node as { source?: unknown }).source;
  return `Juju's YAML reader (YAML 1.1) reads ${String(source)} as ${JSON.stringify(juju)}, other YAML readers as ${JSON.stringify(modern)}: write ${JSON.stringify(juju)}`;
}
