/**
 * Cron expressions. Two forms are accepted:
 *
 * - Lucky's (Rust `cron` crate): 6 or 7 fields, `sec min hour day-of-month month
 *   day-of-week [year]`, with lists, ranges, steps, month and weekday names, and the
 *   `@daily`-style shorthands. Weekdays are 1 = Sunday … 7 = Saturday, and a time must
 *   match both the day of month and the day of week.
 * - The standard 5-field crontab line, `min hour day-of-month month day-of-week`: it
 *   fires at second 0, weekdays are 0-7 (0 and 7 = Sunday), and, as in Vixie cron,
 *   when both day fields are restricted (neither starts with `*`) a day matching
 *   either of them fires.
 *
 * Either form may start with `CRON_TZ=<zone>` (or `TZ=<zone>`), an IANA time zone such as
 * `CRON_TZ=Europe/Paris 0 0 9 * * *`, as robfig/cron and cronie write it; without one a schedule
 * is evaluated in UTC (see daemon/cron/next-fire.ts).
 */
export interface CronSchedule {
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday, as in the Rust crate (crontab weekdays are converted). */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly years: ReadonlySet<number> | undefined;
  /** `and`: a day must match both day fields (Lucky's form); `or`: either (crontab, both restricted). */
  readonly dayMatch: 'and' | 'or';
  /** The IANA zone of a `CRON_TZ=`/`TZ=` prefix; undefined for UTC. */
  readonly timeZone: string | undefined;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The number of the first name: 1 (Lucky: JAN = 1, SUN = 1), 0 for crontab weekdays (SUN = 0). */
  readonly namesFrom?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2100 },
];

const SHORTHANDS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 1',
  '@daily': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** Crontab's day-of-week field: 0-7, 0 and 7 both Sunday. */
const CRONTAB_DAY_OF_WEEK: FieldSpec = { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 };

/** Parses a schedule; throws an `Error` whose message says which field is wrong and why. */
export function parseCron(expression: string): CronSchedule {
  const zone = /^\s*(?:CRON_)?TZ=(\S*)\s+/.exec(expression);
  if (zone) return { ...parseCron(expression.slice(zone[0].length)), timeZone: checkTimeZone(zone[1] ?? '') };
  const text = SHORTHANDS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/).filter((part) => part !== '');
  if (parts.length === 5) return parseCrontab(parts);
  if (parts.length !== 6 && parts.length !== 7) {
    throw new Error(
      `expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]) or a 5-field crontab line (min hour day-of-month month day-of-week) but found ${parts.length}`,
    );
  }
  const sets = parts.map((part, index) => parseField(part, FIELDS[index] as FieldSpec));
  return {
    seconds: sets[0] as Set<number>,
    minutes: sets[1] as Set<number>,
    hours: sets[2] as Set<number>,
    daysOfMonth: sets[3] as Set<number>,
    months: sets[4] as Set<number>,
    daysOfWeek: sets[5] as Set<number>,
    years: sets[6],
    dayMatch: 'and',
    timeZone: undefined,
  };
}

/** A zone Node's Intl knows (`UTC`, `Europe/Paris` …); UTC itself is kept as undefined. */
function checkTimeZone(zone: string): string | undefined {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return resolved === 'UTC' || resolved === 'Etc/UTC' ? undefined : resolved;
  } catch {
    throw new Error(`unknown time zone "${zone}" (use an IANA name such as Europe/Paris, or leave CRON_TZ out for UTC)`);
  }
}

function parseCrontab(parts: readonly string[]): CronSchedule {
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = parts;
  // Sunday is 0 or 7 in crontab and 1 in Lucky's numbering; Monday 1 becomes 2, and so on.
  const weekdays = new Set([...parseField(dayOfWeek, CRONTAB_DAY_OF_WEEK)].map((day) => (day % 7) + 1));
  return {
    seconds: new Set([0]),
    minutes: parseField(minute, FIELDS[1] as FieldSpec),
    hours: parseField(hour, FIELDS[2] as FieldSpec),
    daysOfMonth: parseField(dayOfMonth, FIELDS[3] as FieldSpec),
    months: parseField(month, FIELDS[4] as FieldSpec),
    daysOfWeek: weekdays,
    years: undefined,
    dayMatch: dayOfMonth.startsWith('*') || dayOfWeek.startsWith('*') ? 'and' : 'or',
    timeZone: undefined,
  };
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined || rangeText === undefined || rangeText === '') throw new Error(`invalid ${spec.name} field "${text}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new Error(`invalid step "${stepText}" in ${spec.name} field "${text}"`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (rangeText === '*' || rangeText === '?') {
      low = spec.min;
      high = spec.max;
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-');
      low = parseValue(a ?? '', spec, text);
      high = parseValue(b ?? '', spec, text);
      if (low > high) throw new Error(`range ${rangeText} in ${spec.name} field runs backwards`);
    } else {
      low = parseValue(rangeText, spec, text);
      high = stepText === undefined ? low : spec.max;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec, field: string): number {
  const index = spec.names?.indexOf(text.slice(0, 3).toUpperCase()) ?? -1;
  if (index >= 0 && /^[a-z]+$/i.test(text)) return index + (spec.namesFrom ?? 1);
  if (!/^\d+$/.test(text)) throw new Error(`invalid value "${text}" in ${spec.name} field "${field}"`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new Error(`${spec.name} value ${value} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}
