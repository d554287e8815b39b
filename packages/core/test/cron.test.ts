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

test('refuses 5-field crontab lines and bad fields with a reason', () => {
  assert.throws(() => parseCron('*/5 * * * *'), /expected 6 or 7 fields/);
  assert.throws(() => parseCron('0 61 * * * *'), /minutes value 61 is out of range 0-59/);
  assert.throws(() => parseCron('0 0 * * Foo *'), /invalid value "Foo" in month field/);
  assert.throws(() => parseCron('0 0 5-2 * * *'), /runs backwards/);
  assert.throws(() => parseCron('0 0 */0 * * *'), /invalid step/);
});

test.run();
