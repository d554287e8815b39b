/**
 * When a cron schedule fires next. Times are UTC: a Juju machine's clock usually is,
 * and one fixed zone means a charm's schedule means the same on every unit (Lucky
 * used the host's local zone, which on Juju machines is UTC too). A schedule with a
 * `CRON_TZ=<zone>` prefix is read as wall-clock time in that zone: a time the zone
 * skips (spring forward) does not fire that day, and a time it repeats (fall back)
 * fires once, at its first occurrence.
 */
import type { CronSchedule } from '../../config/cron.js';

const SECOND = 1000;
/** No schedule is searched past this year (the year field's upper bound). */
const LAST_YEAR = 2100;

/** The first instant strictly after `after`, at a whole second, when `schedule` fires; undefined when it never does again. */
export function nextFire(schedule: CronSchedule, after: Date): Date | undefined {
  const zone = schedule.timeZone;
  if (zone === undefined) return nextWallTime(schedule, after);
  // Work on the zone's wall clock written as if it were UTC, then find the instant showing that wall time.
  let wall = new Date(after.getTime() + offsetMs(zone, after));
  for (;;) {
    const candidate = nextWallTime(schedule, wall);
    if (!candidate) return undefined;
    const instant = instantOf(zone, candidate);
    if (instant && instant.getTime() > after.getTime()) return instant;
    // Skipped by the zone, or the first occurrence of a repeated time has already passed.
    wall = candidate;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** How far `zone`'s wall clock is ahead of UTC at `instant` (whole seconds). */
function offsetMs(zone: string, instant: Date): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(instant.getTime() / SECOND) * SECOND;
}

/** The earliest instant at which `zone` shows wall time `wall`; undefined when the zone skips it. */
function instantOf(zone: string, wall: Date): Date | undefined {
  // The offsets in force a day either side cover any transition in between.
  const offsets = new Set([offsetMs(zone, new Date(wall.getTime() - 86_400_000)), offsetMs(zone, new Date(wall.getTime() + 86_400_000))]);
  const instants = [...offsets]
    .map((offset) => new Date(wall.getTime() - offset))
    .filter((instant) => instant.getTime() + offsetMs(zone, instant) === wall.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return instants[0];
}

/** `nextFire` on a wall clock written as UTC. */
function nextWallTime(schedule: CronSchedule, after: Date): Date | undefined {
  // Start at the next whole second.
  const t = new Date(Math.floor(after.getTime() / SECOND) * SECOND + SECOND);
  for (;;) {
    const year = t.getUTCFullYear();
    if (year > LAST_YEAR) return undefined;
    if (schedule.years && !schedule.years.has(year)) {
      if (![...schedule.years].some((wanted) => wanted > year)) return undefined;
      setUTC(t, year + 1, 0, 1, 0, 0, 0);
      continue;
    }
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      setUTC(t, year, t.getUTCMonth() + 1, 1, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      setUTC(t, year, t.getUTCMonth(), t.getUTCDate() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      setUTC(t, year, t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      setUTC(t, year, t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setTime(t.getTime() + SECOND);
      continue;
    }
    return t;
  }
}

/** Every fire time in (`from`, `to`], oldest first, at most `limit` of them. */
export function fireTimes(schedule: CronSchedule, from: Date, to: Date, limit = Number.POSITIVE_INFINITY): Date[] {
  const times: Date[] = [];
  let at = nextFire(schedule, from);
  while (at && at.getTime() <= to.getTime() && times.length < limit) {
    times.push(at);
    at = nextFire(schedule, at);
  }
  return times;
}

function dayMatches(schedule: CronSchedule, t: Date): boolean {
  const ofMonth = schedule.daysOfMonth.has(t.getUTCDate());
  // getUTCDay: 0 = Sunday; the schedule numbers Sunday 1.
  const ofWeek = schedule.daysOfWeek.has(t.getUTCDay() + 1);
  return schedule.dayMatch === 'or' ? ofMonth || ofWeek : ofMonth && ofWeek;
}

/** Sets every UTC field at once; Date normalises overflow (month 12 is January of the next year). */
function setUTC(t: Date, year: number, month: number, day: number, hour: number, minute: number, second: number): void {
  t.setTime(Date.UTC(year, month, day, hour, minute, second));
}
