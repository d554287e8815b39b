/** Times of secrets: `--expire` values, rotation policies, Juju's retry delays. */
import type { RotatePolicy } from './schema.js';

/** Juju's RotateRetryDelay and ExpireRetryDelay: a rotate or expire hook that changed nothing runs again after this. */
export const RETRY_DELAY_MS = 5 * 60_000;

const GO_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds (`24h`, `1h30m`, `-5m`, `1.5h`); null when it does not parse. */
export function parseGoDuration(text: string): number | null {
  const match = /^([-+]?)(.+)$/.exec(text);
  if (!match || text === '') return null;
  const body = match[2] ?? '';
  if (body === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const found = part.exec(body);
    if (!found) return null;
    total += Number(found[1]) * (GO_UNITS[found[2] ?? ''] ?? 0);
    at = part.lastIndex;
  }
  return match[1] === '-' ? -total : total;
}

/** Go's time.RFC3339 (with or without fractional seconds). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
/** Juju's "2006-01-02T15:04:05" (no zone: UTC). */
const RFC3339_NO_TZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * `--expire` as secret-add reads it: an RFC 3339 time, a time without zone (UTC), or a
 * Go duration from now. Returns the instant, or an error message (Juju's words).
 */
export function parseExpire(spec: string, now: Date): Date | string {
  if (RFC3339.test(spec) || RFC3339_NO_TZ.test(spec)) {
    const date = new Date(RFC3339_NO_TZ.test(spec) ? `${spec}Z` : spec);
    if (!Number.isNaN(date.getTime())) return date;
  }
  const duration = parseGoDuration(spec);
  if (duration === null) return `expire time or duration ${JSON.stringify(spec)} not valid`;
  if (duration <= 0) return `negative expire duration ${JSON.stringify(spec)} not valid`;
  return new Date(now.getTime() + duration);
}

/** Go's AddDate: calendar arithmetic in UTC that overflows into the next month, as Go normalises dates. */
function addDate(from: Date, years: number, months: number, days: number): Date {
  const date = new Date(from.getTime());
  date.setUTCFullYear(date.getUTCFullYear() + years, date.getUTCMonth() + months, date.getUTCDate() + days);
  return date;
}

/** Juju's RotatePolicy.NextRotateTime: one interval after `last`, never before `now`; null for never. */
export function nextRotateTime(policy: RotatePolicy, last: Date, now: Date): Date | null {
  let next: Date;
  switch (policy) {
    case 'never':
      return null;
    case 'hourly':
      next = new Date(last.getTime() + 3_600_000);
      break;
    case 'daily':
      next = addDate(last, 0, 0, 1);
      break;
    case 'weekly':
      next = addDate(last, 0, 0, 7);
      break;
    case 'monthly':
      next = addDate(last, 0, 1, 0);
      break;
    case 'quarterly':
      next = addDate(last, 0, 3, 0);
      break;
    case 'yearly':
      next = addDate(last, 1, 0, 0);
      break;
  }
  return next.getTime() < now.getTime() ? now : next;
}
