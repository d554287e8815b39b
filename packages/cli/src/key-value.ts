import { UsageError } from 'clipanion';

const KEY = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/**
 * Lucky's `key=value` arguments (CLI-08): the key matches `[a-zA-Z][a-zA-Z0-9_-]*`,
 * the value is everything after the first `=` (it may hold `=`, spaces and
 * newlines), and a repeated key keeps its last value.
 */
export function parseKeyValues(args: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq === -1 ? '' : arg.slice(0, eq);
    if (!KEY.test(key)) throw new UsageError(`Could not parse key-value pair: ${arg} (expected key=value, the key starting with a letter)`);
    values[key] = arg.slice(eq + 1);
  }
  return values;
}
