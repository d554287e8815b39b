import { parseOptionString } from '@lucky/core';
import { SimulatorError } from '../errors.js';
import type { ConfigOption, ConfigValue } from '../model/schema.js';

/**
 * Turns a `juju config` value into the option's type. Values from a command line are
 * strings, parsed as Juju's ParseSettingsStrings does (core's parseOptionString: Go's
 * ParseInt base 10, ParseFloat, ParseBool); typed values (from YAML or JSON) must have
 * the option's type. `null` means "reset to the default" and is passed through.
 */
export function coerceConfigValue(app: string, key: string, option: ConfigOption, value: unknown): ConfigValue | null {
  if (value === null || value === undefined) return null;
  const refuse = (): never => {
    throw new SimulatorError(`Invalid value ${JSON.stringify(value)} for config option "${key}" of ${app}: expected ${article(option.type)} ${option.type}.`);
  };
  if (typeof value === 'string') {
    const parsed = parseOptionString(option.type, value);
    return parsed.ok && parsed.value !== undefined ? parsed.value : refuse();
  }
  switch (option.type) {
    case 'string':
    case 'secret':
      return refuse();
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : refuse();
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? value : refuse();
    case 'boolean':
      return typeof value === 'boolean' ? value : refuse();
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
