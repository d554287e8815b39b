import { SimulatorError } from '../errors.js';
import type { ConfigOption, ConfigValue } from '../model/schema.js';

/** Go's strconv.ParseBool, which `juju config` uses for boolean options. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Turns a `juju config` value into the option's type. Values from a command line are
 * strings, so a string that spells a value of the option's type is accepted ("8080"
 * for an int, "true" for a boolean); anything else that does not fit is refused.
 * `null` means "reset to the default" and is passed through.
 */
export function coerceConfigValue(app: string, key: string, option: ConfigOption, value: unknown): ConfigValue | null {
  if (value === null || value === undefined) return null;
  const refuse = (): never => {
    throw new SimulatorError(`Invalid value ${JSON.stringify(value)} for config option "${key}" of ${app}: expected ${article(option.type)} ${option.type}.`);
  };
  switch (option.type) {
    case 'string':
    case 'secret':
      return typeof value === 'string' ? value : refuse();
    case 'int': {
      const n = typeof value === 'string' && INT.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isSafeInteger(n) ? n : refuse();
    }
    case 'float': {
      const n = typeof value === 'string' && FLOAT.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : refuse();
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && TRUE.has(value)) return true;
      if (typeof value === 'string' && FALSE.has(value)) return false;
      return refuse();
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/**
 * Checks and coerces a set of `juju config` values against the charm's options: an
 * undeclared key or a value that does not fit is refused, naming the key.
 */
export function coerceConfig(
  app: string,
  options: Readonly<Record<string, ConfigOption>>,
  values: Readonly<Record<string, unknown>>,
): Record<string, ConfigValue | null> {
  const result: Record<string, ConfigValue | null> = {};
  for (const [key, value] of Object.entries(values)) {
    const option = Object.hasOwn(options, key) ? options[key] : undefined;
    if (!option) {
      const declared = Object.keys(options).sort().join(', ') || '(none)';
      throw new SimulatorError(`Application ${app} has no config option "${key}"; its charm declares: ${declared}.`);
    }
    Object.defineProperty(result, key, { value: coerceConfigValue(app, key, option, value), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** Config as a hook sees it: explicit values over defaults (what `config-get` prints). */
export function effectiveConfig(options: Readonly<Record<string, ConfigOption>>, config: Readonly<Record<string, ConfigValue>>): Record<string, ConfigValue> {
  const result = new Map<string, ConfigValue>();
  for (const [key, option] of Object.entries(options)) {
    const value = Object.hasOwn(config, key) ? config[key] : option.default;
    if (value !== undefined) result.set(key, value);
  }
  return Object.fromEntries(result);
}
