// Waits with a deadline in the Pebble server (service start, stop, exec checks) leave no timer behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TIMED_OUT, within } from '../src/pebble/within.js';

const test = suite('pebble server: waiting with a deadline');

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

test('a settled wait clears its deadline (a stopped service does not hold the server for its kill-delay)', async () => {
  const before = timers();
  assert.is(await within(Promise.resolve(0), 3_600_000), 0);
  assert.is(timers(), before);
});

test('a rejected wait rejects and clears its deadline', async () => {
  const before = timers();
  try {
    await within(Promise.reject(new Error('spawn failed')), 3_600_000);
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.is((error as Error).message, 'spawn failed');
  }
  assert.is(timers(), before);
});

test('a wait that outlives the deadline answers TIMED_OUT', async () => {
  assert.is(await within(new Promise<number>(() => undefined), 1), TIMED_OUT);
});

test.run();
