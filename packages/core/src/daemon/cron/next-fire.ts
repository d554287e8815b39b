/**
 * When a cron schedule fires next. Times are UTC: a Juju machine's clock usually is,
 * and one fixed zone means a charm's schedule means the same on every unit (Lucky
 * used the host's local zone, which on Juju machines is UTC too).
 */
import type { CronSchedule } from '../../config/cron.js';

const SECOND = 1000;
/** No schedule is searched past this year (the year field's upper bound). */
const LAST_YEAR = 2100;

/** The first instant strictly after `after`, at a whole second, when `schedule` fires; undefined when it never does again. */
export function nextFire(schedule: CronSchedule, after: Date): Date | undefined {
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
