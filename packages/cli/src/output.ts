import type { Writable } from 'node:stream';

/** Output formats of getter commands: Lucky's plain text (CLI-09) or JSON. */
export type Format = 'plain' | 'json';

export function writeJson(out: Writable, value: unknown): void {
  out.write(`${JSON.stringify(value)}\n`);
}

/** A single value, or an empty line when unset (CLI-09). */
export function writeValue(out: Writable, format: Format, value: string | null | undefined): void {
  if (format === 'json') writeJson(out, value ?? null);
  else out.write(`${value ?? ''}\n`);
}

/** `key=value` lines, sorted by key so output is stable. */
export function writeMap(out: Writable, format: Format, map: Readonly<Record<string, string>>): void {
  if (format === 'json') return writeJson(out, map);
  const keys = Object.keys(map).sort();
  out.write(keys.map((key) => `${key}=${map[key]}\n`).join(''));
}

/** One item per line. */
export function writeList(out: Writable, format: Format, items: readonly string[]): void {
  if (format === 'json') return writeJson(out, items);
  out.write(items.map((item) => `${item}\n`).join(''));
}
