const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go duration (`10s`, `500ms`, `1m30s`, `1.5h`) into milliseconds, as
 * Pebble's layers and API parameters spell them; undefined if it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (text === '0') return 0;
  if (!match) return undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]!]!;
  return match[1] === '-' ? -total : total;
}

/** Formats milliseconds as a Go duration Pebble accepts (`1500ms`, `2s`). */
export function formatDuration(ms: number): string {
  if (Number.isInteger(ms / 1_000)) return `${ms / 1_000}s`;
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1_000)}us`;
}
