/**
 * Action params as `juju run` and the controller handle them: `key.key=value`
 * arguments parsed as YAML scalars (or kept as strings with --string-args), a
 * `--params` YAML file under them, validation against the action's JSON schema
 * with gojsonschema's messages, then the schema's defaults filled in.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { SimulatorError } from '../errors.js';
import { setOwn } from '../model/records.js';
import type { ActionSpec } from './spec.js';
import { addValueAt } from './values.js';

/** `juju run`'s rule for each key of `key.key=value` (charm's action name rule). */
const KEY_RULE = /^[a-z](?:[a-z-]*[a-z])?$/;

/** A value as go-yaml v2 reads it into interface{}: YAML 1.1 scalars (yes/no, 0x10…), timestamps kept as text. */
function yamlValue(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) throw new SimulatorError(`cannot parse ${JSON.stringify(text)} as YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  const value: unknown = doc.toJS();
  return value instanceof Date ? text : value;
}

/** `key.key=value` arguments into nested params. */
export function parseActionArgs(args: readonly string[], stringArgs = false): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === -1) throw new SimulatorError(`argument ${JSON.stringify(arg)} must be of the form key.key.key...=value`);
    const keys = arg.slice(0, eq).split('.');
    for (const key of keys) {
      if (!KEY_RULE.test(key)) {
        throw new SimulatorError(
          `key ${JSON.stringify(key)} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens`,
        );
      }
    }
    const raw = arg.slice(eq + 1);
    addValueAt(params, keys, stringArgs ? raw : yamlValue(raw));
  }
  return params;
}

/** `--params <file>`: a YAML map of params. */
export async function readParamsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SimulatorError(`cannot read the params file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const value = text.trim() === '' ? {} : yamlValue(text);
  if (value === null) return {};
  if (!isMapping(value)) throw new SimulatorError('params must contain a YAML map with string keys');
  return value;
}

/** Explicit arguments override the file's params, key by key (addValueToMap on the file's map). */
export function mergeParams(file: Record<string, unknown>, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged = structuredClone(file);
  const walk = (value: unknown, keys: string[]): void => {
    if (isMapping(value) && Object.keys(value).length > 0) for (const [key, item] of Object.entries(value)) walk(item, [...keys, key]);
    else addValueAt(merged, keys, value);
  };
  for (const [key, value] of Object.entries(args)) walk(value, [key]);
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON schema's name for a value's type; integral numbers are `integer`. */
function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function typeMatches(wanted: string, actual: string): boolean {
  return wanted === actual || (wanted === 'number' && actual === 'integer');
}

/** The property path gojsonschema names in an error: `(root)` for the top, else `a.b`. */
function fieldOf(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Checks a value against a (draft 4) schema, collecting `field: description` as gojsonschema words them. */
function check(schema: unknown, value: unknown, path: readonly string[], errors: string[]): void {
  if (!isMapping(schema)) return;
  const field = fieldOf(path);
  const actual = typeOf(value);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type.map(String) : [String(schema.type)];
  if (types.length > 0 && !types.some((type) => typeMatches(type, actual))) {
    errors.push(`${field}: Invalid type. Expected: ${types.length > 1 ? `[${types.join(',')}]` : types[0]}, given: ${actual}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    errors.push(`${field}: ${field} must be one of the following: ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    const min = number(schema.minLength);
    const max = number(schema.maxLength);
    if (min !== undefined && length < min) errors.push(`${field}: String length must be greater than or equal to ${min}`);
    if (max !== undefined && length > max) errors.push(`${field}: String length must be less than or equal to ${max}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${field}: Does not match pattern '${schema.pattern}'`);
  }
  if (typeof value === 'number') {
    const min = number(schema.minimum);
    const max = number(schema.maximum);
    if (min !== undefined && (schema.exclusiveMinimum === true ? value <= min : value < min)) {
      errors.push(`${field}: Must be greater than ${schema.exclusiveMinimum === true ? '' : 'or equal to '}${min}`);
    }
    if (max !== undefined && (schema.exclusiveMaximum === true ? value >= max : value > max)) {
      errors.push(`${field}: Must be less than ${schema.exclusiveMaximum === true ? '' : 'or equal to '}${max}`);
    }
  }
  if (Array.isArray(value)) {
    const min = number(schema.minItems);
    const max = number(schema.maxItems);
    if (min !== undefined && value.length < min) errors.push(`${field}: Array must have at least ${min} items`);
    if (max !== undefined && value.length > max) errors.push(`${field}: Array must have at most ${max} items`);
    if (isMapping(schema.items)) value.forEach((item, index) => check(schema.items, item, [...path, String(index)], errors));
  }
  if (isMapping(value)) {
    const properties = isMapping(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? schema.required.map(String) : []) {
      if (!Object.hasOwn(value, name)) errors.push(`${fieldOf([...path, name])}: ${name} is required`);
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) check(properties[name], item, [...path, name], errors);
      else if (schema.additionalProperties === false) errors.push(`${fieldOf([...path, name])}: Additional property ${name} is not allowed`);
      else if (isMapping(schema.additionalProperties)) check(schema.additionalProperties, item, [...path, name], errors);
    }
  }
}

/** Juju's ValidateParams: an error `validation failed: <field>: <description>; …` when the params do not fit. */
export function validateParams(spec: ActionSpec, params: Readonly<Record<string, unknown>>): void {
  const errors: string[] = [];
  check(spec.schema, params, [], errors);
  if (errors.length > 0) throw new SimulatorError(`validation failed: ${errors.join('; ')}`);
}

/** Juju's InsertDefaults: each missing property that has a `default` gets it, inside given objects too. */
export function withDefaults(schema: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result = structuredClone(params) as Record<string, unknown>;
  const properties = isMapping(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isMapping(property)) continue;
    if (!Object.hasOwn(result, name)) {
      if (Object.hasOwn(property, 'default')) setOwn(result, name, structuredClone(property.default));
    } else if (isMapping(result[name])) {
      setOwn(result, name, withDefaults(property, result[name]));
    }
  }
  return result;
}
