import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cronJobs } from '../src/daemon/cron/jobs.js';
import { CRON_STATE_KEY, cronRecords, stateCronMemory } from '../src/daemon/cron/memory.js';
import { CronScheduler } from '../src/daemon/cron/scheduler.js';
import type { SchedulerClock } from '../src/daemon/cron/clock.js';
import { createLogger, recordMessage } from '../src/log.js';
import { StateStore } from '../src/state/store.js';

const test = suite('cron: records in the unit state survive a daemon restart');

/** A clock that stays where it is put; timers never fire (each test ticks by restarting). */
const frozenAt = (iso: string): SchedulerClock => ({ now: () => Date.parse(iso), setTimer: () => () => undefined });

test('a restarted daemon runs a job missed meanwhile exactly once, from the records in state.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucky-cron-memory-'));
  try {
    const file = join(dir, 'state.json');
    const logs: string[] = [];
    const log = createLogger({ name: 'test', level: 0, sink: (record) => void logs.push(recordMessage(record)) });
    const jobs = cronJobs({ cronJobs: [{ schedule: '0 0 * * * *', entries: [] }] });
    const runs: string[] = [];
    const start = async (iso: string): Promise<void> => {
      const state = StateStore.open(file, log);
      const scheduler = new CronScheduler({
        jobs,
        clock: frozenAt(iso),
        memory: stateCronMemory(state),
        log: { info: () => undefined, warn: () => undefined },
        run: (_job, due) => {
          runs.push(`${iso} ${due.toISOString()}`);
          return Promise.resolve();
        },
      });
      scheduler.start();
      await scheduler.idle();
      scheduler.stop();
      // As the daemon does on stop: everything saved before the process ends.
      await state.flushed();
      await state.close();
    };
    // First daemon: the job is new, nothing runs, its schedule counts from 10:30.
    await start('2026-01-01T10:30:00Z');
    assert.equal(runs, []);
    // Down from 10:30 to 14:10: 11:00 … 14:00 were missed; the next daemon runs the job once.
    await start('2026-01-01T14:10:00Z');
    assert.equal(runs, ['2026-01-01T14:10:00Z 2026-01-01T11:00:00.000Z']);
    // Restarted again within the hour: nothing is due.
    await start('2026-01-01T14:50:00Z');
    assert.is(runs.length, 1);
    const records = cronRecords(StateStore.open(file, log));
    assert.equal(records['0 0 * * * *'], { since: '2026-01-01T14:10:00.000Z', lastRun: '2026-01-01T14:10:00.000Z' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('records that do not look right are ignored', () => {
  const state = { data: { plugins: { [CRON_STATE_KEY]: { good: { since: '2026-01-01T00:00:00.000Z' }, bad: { since: 5 }, worse: 'x' } } } };
  assert.equal(cronRecords(state as unknown as Pick<StateStore, 'data'>), { good: { since: '2026-01-01T00:00:00.000Z' } });
});

test.run();
