import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCron } from '../src/config/cron.js';
import { fireTimes, nextFire } from '../src/daemon/cron/next-fire.js';

const test = suite('cron: next fire time (UTC)');

const at = (iso: string): Date => new Date(iso);
const next = (expression: string, after: string): string | undefined => nextFire(parseCron(expression), at(after))?.toISOString();

test('Lucky 6-field form: seconds first, strictly after the given instant', () => {
  assert.is(next('0 * * * * *', '2026-01-01T10:00:00.000Z'), '2026-01-01T10:01:00.000Z');
  assert.is(next('0 * * * * *', '2026-01-01T10:00:00.500Z'), '2026-01-01T10:01:00.000Z');
  assert.is(next('*/15 * * * * *', '2026-01-01T10:00:14.999Z'), '2026-01-01T10:00:15.000Z');
  assert.is(next('30 5 3 * * *', '2026-01-01T10:00:00Z'), '2026-01-02T03:05:30.000Z');
});

test('month ends, leap days and years roll over', () => {
  assert.is(next('0 0 0 1 * *', '2026-01-31T23:59:59Z'), '2026-02-01T00:00:00.000Z');
  assert.is(next('0 0 12 29 Feb *', '2026-03-01T00:00:00Z'), '2028-02-29T12:00:00.000Z');
  assert.is(next('0 0 0 1 1 * 2030', '2026-06-01T00:00:00Z'), '2030-01-01T00:00:00.000Z');
  assert.is(next('0 0 0 1 1 * 2030', '2030-01-01T00:00:00Z'), undefined);
  assert.is(next('0 0 0 31 Feb *', '2026-01-01T00:00:00Z'), undefined);
});

test('Lucky form: day of month AND day of week (1 = Sunday)', () => {
  // 2026-01-01 is a Thursday: the next Friday the 13th is in February, then March.
  assert.is(next('0 0 0 13 * Fri', '2026-01-01T00:00:00Z'), '2026-02-13T00:00:00.000Z');
  assert.is(next('0 0 0 13 * Fri', '2026-02-13T00:00:00Z'), '2026-03-13T00:00:00.000Z');
  assert.is(next('0 0 0 * * 1', '2026-03-02T00:00:00Z'), '2026-03-08T00:00:00.000Z');
});

test('5-field crontab form: minute first, second 0, Sunday 0 or 7, day fields OR-ed when both restricted', () => {
  assert.is(next('*/5 * * * *', '2026-01-01T10:02:03Z'), '2026-01-01T10:05:00.000Z');
  assert.is(next('0 9 * * 0', '2026-03-02T00:00:00Z'), '2026-03-08T09:00:00.000Z');
  assert.is(next('0 9 * * 7', '2026-03-02T00:00:00Z'), '2026-03-08T09:00:00.000Z');
  // Either the 1st or a Monday: Monday 2026-03-02 comes before April 1st.
  assert.is(next('0 0 1 * mon', '2026-03-01T12:00:00Z'), '2026-03-02T00:00:00.000Z');
  // With day of month '*', only the weekday counts.
  assert.is(next('0 0 * * mon', '2026-03-03T00:00:00Z'), '2026-03-09T00:00:00.000Z');
});

test("CRON_TZ= / TZ= read the schedule on that zone's wall clock, across daylight saving time", () => {
  // Paris: UTC+1 in winter, UTC+2 in summer.
  assert.is(next('CRON_TZ=Europe/Paris 0 0 9 * * *', '2026-01-15T00:00:00Z'), '2026-01-15T08:00:00.000Z');
  assert.is(next('CRON_TZ=Europe/Paris 0 0 9 * * *', '2026-07-15T00:00:00Z'), '2026-07-15T07:00:00.000Z');
  // 2026-03-29 02:30 does not exist in Paris (02:00 → 03:00): that day is skipped.
  assert.is(next('CRON_TZ=Europe/Paris 0 30 2 * * *', '2026-03-28T12:00:00Z'), '2026-03-30T00:30:00.000Z');
  // 2026-10-25 02:30 happens twice (03:00 → 02:00): it fires once, at the first.
  assert.is(next('CRON_TZ=Europe/Paris 0 30 2 * * *', '2026-10-24T12:00:00Z'), '2026-10-25T00:30:00.000Z');
  assert.is(next('CRON_TZ=Europe/Paris 0 30 2 * * *', '2026-10-25T00:30:00Z'), '2026-10-26T01:30:00.000Z');
  // The crontab form takes it too; a Friday in New York (UTC-5 in January).
  assert.is(next('TZ=America/New_York 0 9 * * 1-5', '2026-01-16T00:00:00Z'), '2026-01-16T14:00:00.000Z');
  assert.is(parseCron('CRON_TZ=UTC 0 * * * * *').timeZone, undefined);
  assert.is(parseCron('CRON_TZ=Europe/Paris @daily').timeZone, 'Europe/Paris');
  assert.throws(() => parseCron('CRON_TZ=Mars/Olympus 0 * * * * *'), /unknown time zone "Mars\/Olympus"/);
});

test('fireTimes lists the window (from, to], capped', () => {
  const every10m = parseCron('0 */10 * * * *');
  const times = fireTimes(every10m, at('2026-01-01T00:00:00Z'), at('2026-01-01T01:00:00Z'));
  assert.is(times.length, 6);
  assert.is(times[0]?.toISOString(), '2026-01-01T00:10:00.000Z');
  assert.is(times[5]?.toISOString(), '2026-01-01T01:00:00.000Z');
  assert.is(fireTimes(every10m, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 3).length, 3);
});

test.run();
