import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCron } from '../src/config/cron.js';

const test = suite('cron: Lucky schedules');

test('accepts 6 and 7 fields with lists, ranges, steps and names', () => {
  const every = parseCron('0 * * * * *');
  assert.equal([...every.seconds], [0]);
  assert.is(every.minutes.size, 60);
  const daily = parseCron('0 0 0 * * *');
  assert.equal([...daily.hours], [0]);
  const complex = parseCron('0,30 */15 9-17 1 Jan,Jul Mon-Fri 2030');
  assert.equal([...complex.seconds], [0, 30]);
  assert.equal([...complex.minutes], [0, 15, 30, 45]);
  assert.equal([...complex.months], [1, 7]);
  assert.equal([...complex.daysOfWeek], [2, 3, 4, 5, 6]);
  assert.equal(complex.years && [...complex.years], [2030]);
});

test('accepts shorthands', () => {
  assert.equal([...parseCron('@hourly').minutes], [0]);
});

test('accepts 5-field crontab lines: second 0, weekdays 0-7 with Sunday as 0 and 7', () => {
  const every5 = parseCron('*/5 * * * *');
  assert.equal([...every5.seconds], [0]);
  assert.equal([...every5.minutes], [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
  assert.is(every5.dayMatch, 'and');
  // Lucky numbers weekdays 1 = Sunday … 7 = Saturday.
  assert.equal([...parseCron('0 0 * * 1-5').daysOfWeek].sort(), [2, 3, 4, 5, 6]);
  assert.equal([...parseCron('0 0 * * 0').daysOfWeek], [1]);
  assert.equal([...parseCron('0 0 * * 7').daysOfWeek], [1]);
  assert.equal([...parseCron('0 0 * * sun,sat').daysOfWeek].sort(), [1, 7]);
  assert.is(parseCron('0 0 1 * mon').dayMatch, 'or');
});

test('refuses other field counts and bad fields with a reason', () => {
  assert.throws(() => parseCron('* * * *'), /expected 6 or 7 fields .* or a 5-field crontab line .* but found 4/);
  assert.throws(() => parseCron('0 0 * * 8'), /day of week value 8 is out of range 0-7/);
  assert.throws(() => parseCron('0 61 * * * *'), /minutes value 61 is out of range 0-59/);
  assert.throws(() => parseCron('0 0 * * Foo *'), /invalid value "Foo" in month field/);
  assert.throws(() => parseCron('0 0 5-2 * * *'), /runs backwards/);
  assert.throws(() => parseCron('0 0 */0 * * *'), /invalid step/);
});

test.run();
