/**
 * Notice times as Pebble keeps them: RFC 3339 with nanoseconds, and no two alike, so
 * `after=<a notice's last-repeated>` never drops a notice made in the same millisecond.
 */

let last = 0n;

/** Now, in nanoseconds since the epoch, always after the previous call's. */
function nextNanos(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n;
  last = now > last ? now : last + 1n;
  return last;
}

/** The next notice time, e.g. `2026-12-02T15:04:05.123000001Z`. */
export function noticeTime(): string {
  const nanos = nextNanos();
  const seconds = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** An RFC 3339 time (any fraction up to nanoseconds, Z or an offset) in nanoseconds; undefined when it is not one. */
export function timeNanos(text: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}
