import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SchedulerClock } from '../src/daemon/cron/clock.js';
import { cronJobs } from '../src/daemon/cron/jobs.js';
import { CronScheduler, type CronRecord } from '../src/daemon/cron/scheduler.js';
import type { ScriptEntry } from '../src/config/schema.js';

/** A clock that moves only when the test says; due timers fire in time order as it moves. */
class ManualClock implements SchedulerClock {
  private time: number;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private nextId = 0;
  constructor(start: string) {
    this.time = Date.parse(start);
  }
  now(): number {
    return this.time;
  }
  setTimer(delayMs: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + delayMs, callback, id });
    return () => (this.timers = this.timers.filter((timer) => timer.id !== id));
  }
  /** Moves to `iso`, firing every timer due on the way at its own time. */
  advanceTo(iso: string): void {
    const target = Date.parse(iso);
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = target;
  }
  pending(): number {
    return this.timers.length;
  }
}

const NO_ENTRIES: ScriptEntry[] = [];
const jobsOf = (...schedules: string[]) => cronJobs({ cronJobs: schedules.map((schedule) => ({ schedule, entries: NO_ENTRIES })) });

interface Harness {
  clock: ManualClock;
  scheduler: CronScheduler;
  runs: Array<{ job: string; due: string; at: string }>;
  records: Record<string, CronRecord>;
  logs: string[];
  /** Resolves every run still in progress. */
  finishAll(): void;
}

function harness(start: string, schedules: string[], records: Record<string, CronRecord> = {}, options: { holdRuns?: boolean } = {}): Harness {
  const clock = new ManualClock(start);
  const runs: Harness['runs'] = [];
  const logs: string[] = [];
  const holding: Array<() => void> = [];
  const h: Harness = {
    clock,
    runs,
    records,
    logs,
    finishAll: () => holding.splice(0).forEach((resolve) => resolve()),
    scheduler: new CronScheduler({
      jobs: jobsOf(...schedules),
      clock,
      memory: { load: () => records, save: (job, record) => void (records[job] = record) },
      log: { info: (message) => logs.push(message), warn: (message) => logs.push(message) },
      run: (job, due) => {
        runs.push({ job: job.id, due: due.toISOString(), at: new Date(clock.now()).toISOString() });
        return options.holdRuns ? new Promise<void>((resolve) => holding.push(resolve)) : Promise.resolve();
      },
    }),
  };
  return h;
}

/** Lets the scheduler's promise callbacks (run bookkeeping) settle; no time passes. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const test = suite('cron: scheduler driven by an injected clock');

test('a new job counts from now and runs at each fire time, once', async () => {
  const h = harness('2026-01-01T00:00:30Z', ['0 */10 * * * *']);
  h.scheduler.start();
  await settle();
  assert.is(h.runs.length, 0, 'nothing is due at start for a job never seen before');
  assert.is(h.records['0 */10 * * * *']?.since, '2026-01-01T00:00:30.000Z');
  for (const minute of ['10', '20', '30']) {
    h.clock.advanceTo(`2026-01-01T00:${minute}:00Z`);
    await settle();
  }
  assert.equal(
    h.runs.map((run) => run.due),
    ['2026-01-01T00:10:00.000Z', '2026-01-01T00:20:00.000Z', '2026-01-01T00:30:00.000Z'],
  );
  assert.is(h.records['0 */10 * * * *']?.lastRun, '2026-01-01T00:30:00.000Z');
  h.scheduler.stop();
  assert.is(h.clock.pending(), 0, 'stop cancels the timer');
});

test('runs missed while no daemon ran run once at start, not once per missed time', async () => {
  const records = { '0 0 * * * *': { since: '2026-01-01T00:00:00.000Z', lastRun: '2026-01-01T00:00:00.000Z' } };
  const h = harness('2026-01-01T05:30:00Z', ['0 0 * * * *', '0 0 0 1 1 *'], records);
  h.scheduler.start();
  await settle();
  assert.equal(h.runs, [{ job: '0 0 * * * *', due: '2026-01-01T01:00:00.000Z', at: '2026-01-01T05:30:00.000Z' }]);
  assert.ok(h.logs.some((line) => line.includes('missed several runs')));
  assert.is(h.records['0 0 * * * *']?.since, '2026-01-01T05:30:00.000Z');
  // The next run is the next fire time after start, not a replay.
  h.clock.advanceTo('2026-01-01T06:00:00Z');
  await settle();
  assert.equal(
    h.runs.map((run) => run.at),
    ['2026-01-01T05:30:00.000Z', '2026-01-01T06:00:00.000Z'],
  );
  h.scheduler.stop();
});

test('5-field jobs fire at second 0 of their minutes', async () => {
  const h = harness('2026-01-01T00:00:00Z', ['*/5 * * * *']);
  h.scheduler.start();
  for (const time of ['00:05:00', '00:10:00', '00:16:00']) {
    h.clock.advanceTo(`2026-01-01T${time}Z`);
    await settle();
  }
  assert.equal(
    h.runs.map((run) => run.due),
    ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z'],
  );
  h.scheduler.stop();
});

test('a job still running when due again is skipped (and logged), never overlapped', async () => {
  const h = harness('2026-01-01T00:00:00Z', ['0 * * * * *'], {}, { holdRuns: true });
  h.scheduler.start();
  h.clock.advanceTo('2026-01-01T00:01:00Z');
  await settle();
  assert.equal(h.scheduler.runningJobs(), ['0 * * * * *']);
  h.clock.advanceTo('2026-01-01T00:02:00Z');
  await settle();
  h.clock.advanceTo('2026-01-01T00:03:00Z');
  await settle();
  assert.is(h.runs.length, 1, 'the job did not start again while its run was going');
  assert.is(h.logs.filter((line) => line.includes('still going; skipping')).length, 2);
  h.finishAll();
  await h.scheduler.idle();
  assert.equal(h.scheduler.runningJobs(), []);
  h.clock.advanceTo('2026-01-01T00:04:00Z');
  await settle();
  assert.equal(
    h.runs.map((run) => run.due),
    ['2026-01-01T00:01:00.000Z', '2026-01-01T00:04:00.000Z'],
  );
  h.finishAll();
  h.scheduler.stop();
});

test('jobs wake the scheduler at their own times; distant jobs re-check at most every minute', async () => {
  const h = harness('2026-01-01T00:01:00Z', ['0 0 0 * * *', '30 0 0 * * *']);
  h.scheduler.start();
  h.clock.advanceTo('2026-01-02T00:00:10Z');
  await settle();
  assert.equal(
    h.runs.map((run) => run.job),
    ['0 0 0 * * *'],
  );
  h.clock.advanceTo('2026-01-02T00:00:30Z');
  await settle();
  assert.equal(
    h.runs.map((run) => `${run.job} ${run.at}`),
    ['0 0 0 * * * 2026-01-02T00:00:00.000Z', '30 0 0 * * * 2026-01-02T00:00:30.000Z'],
  );
  h.scheduler.stop();
});

test('a failing run is logged and does not stop later runs', async () => {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const logs: string[] = [];
  let calls = 0;
  const scheduler = new CronScheduler({
    jobs: jobsOf('0 * * * * *'),
    clock,
    memory: { load: () => ({}), save: () => undefined },
    log: { info: (message) => logs.push(message), warn: (message) => logs.push(message) },
    run: () => {
      calls++;
      return Promise.reject(new Error('juju-exec exited with 1'));
    },
  });
  scheduler.start();
  clock.advanceTo('2026-01-01T00:01:00Z');
  await settle();
  clock.advanceTo('2026-01-01T00:02:00Z');
  await settle();
  assert.is(calls, 2);
  assert.ok(logs.some((line) => line.includes('failed: juju-exec exited with 1')));
  scheduler.stop();
});

test.run();
