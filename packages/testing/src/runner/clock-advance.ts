/**
 * `advance`: moves the model clock forward and fires, in time order, what Juju and the
 * units' Lucky daemons would have fired meanwhile:
 *
 * - `update-status` on every live unit not in error, every 5 minutes (Juju's default
 *   `update-status-hook-interval`), at the multiples of 5 minutes of UTC time;
 * - each Lucky cron job at each of its fire times in the window;
 * - the events of every registered clock-event source (clock-events.ts), e.g. secret
 *   rotation and expiry.
 *
 * Events at the same instant run in that order, then by unit. Before each event the
 * model clock is set to its instant, and after it the hooks it triggered run until
 * the model settles.
 *
 * Why cron is driven from here: a unit's daemon schedules its cron jobs by the system
 * clock, which `advance` does not move. So the simulator's hooks start daemons with
 * `LUCKY_CRON_SCHEDULER=external` (their scheduler stays off), and `advance` computes
 * the fire times with the daemon's own code (`fireTimes`, `cronJobs` of @lucky/core) and
 * starts each job exactly as the daemon would: `juju-exec <unit> "lucky dispatch --cron
 * <job>"` (`cronDispatchCommand`), through the model's own juju-exec. Everything from
 * juju-exec on (hook context, daemon, hook queue, the job's scripts) is the real path.
 */
import { CRON_SCHEDULER_ENV, cronDispatchCommand, cronJobs, fireTimes, loadLuckyConfig, type CronJob } from '@lucky/core';
import { execa } from 'execa';
import { join } from 'node:path';
import { SimulatorError } from '../errors.js';
import { passThroughEnvironment } from '../hook-env.js';
import type { ModelState } from '../model/schema.js';
import { readModel, updateModel } from '../model/store.js';
import { dueClockEvents, type ClockEvent } from './clock-events.js';
import { modelNow } from './clock.js';
import type { ModelContext } from './context.js';
import { byUnitNumber, triggeredHooks } from './diff.js';
import { settle } from './hook-queue.js';
import { enqueue, hookEntry } from './queue.js';
import type { RunnerState } from './state.js';
import type { HookOutcome } from './types.js';
import { unitPaths } from './unit-paths.js';

/** Juju's default update-status-hook-interval. */
export const UPDATE_STATUS_INTERVAL_MS = 5 * 60_000;

/** What fired at one instant, and every hook that ran because of it. */
export interface ClockStep {
  readonly at: Date;
  /** `update-status`, `cron "<job>"`, or the hook a clock-event source fired. */
  readonly event: string;
  readonly unit: string;
  readonly outcomes: HookOutcome[];
}

type Planned = { at: Date; unit: string; order: number } & ({ kind: 'hook'; event: ClockEvent } | { kind: 'cron'; job: CronJob });

/** A unit's Lucky cron jobs, from its charm's lucky.yaml; none for a charm without one. */
function unitCronJobs(model: ModelState, unit: string, cache: Map<string, CronJob[]>): CronJob[] {
  const app = model.units[unit]?.application ?? '';
  const charmDir = model.applications[app]?.charmDir;
  if (charmDir === undefined) return [];
  let jobs = cache.get(charmDir);
  if (!jobs) {
    try {
      jobs = cronJobs(loadLuckyConfig(charmDir));
    } catch {
      // Not a Lucky charm (no lucky.yaml), or one its daemon would refuse too: nothing to schedule.
      jobs = [];
    }
    cache.set(charmDir, jobs);
  }
  return jobs;
}

function plan(model: ModelState, state: RunnerState, from: Date, to: Date): Planned[] {
  const units = Object.keys(model.units)
    .filter((unit) => !state.dyingUnits.includes(unit))
    .sort(byUnitNumber);
  const planned: Planned[] = [];
  const first = Math.floor(from.getTime() / UPDATE_STATUS_INTERVAL_MS) + 1;
  for (let tick = first; tick * UPDATE_STATUS_INTERVAL_MS <= to.getTime(); tick++) {
    for (const unit of units) {
      planned.push({
        kind: 'hook',
        at: new Date(tick * UPDATE_STATUS_INTERVAL_MS),
        unit,
        order: 0,
        event: { at: new Date(tick * UPDATE_STATUS_INTERVAL_MS), unit, hook: 'update-status', env: {} },
      });
    }
  }
  const cache = new Map<string, CronJob[]>();
  for (const unit of units) {
    for (const job of unitCronJobs(model, unit, cache)) {
      for (const at of fireTimes(job.schedule, from, to, state.maxHooksPerOperation + 1)) planned.push({ kind: 'cron', at, unit, order: 1, job });
    }
  }
  for (const event of dueClockEvents(model, from, to)) planned.push({ kind: 'hook', at: event.at, unit: event.unit, order: 2, event });
  // Stable: within one instant and kind, units in order, and each source's events in its order.
  return planned.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order || byUnitNumber(a.unit, b.unit));
}

/** Moves the model clock by `durationMs` and fires what falls due; returns what ran, in order. */
export async function advanceClock(context: ModelContext, state: RunnerState, durationMs: number): Promise<ClockStep[]> {
  const model = await readModel(context.dir);
  const from = modelNow(model);
  const to = new Date(from.getTime() + durationMs);
  const events = plan(model, state, from, to);
  if (events.length > state.maxHooksPerOperation) {
    throw new SimulatorError(
      `Advancing by ${durationMs / 1000} s would fire ${events.length} hooks and cron jobs, over this model's limit of ${state.maxHooksPerOperation} for one operation; advance in smaller steps.`,
    );
  }
  const steps: ClockStep[] = [];
  for (const event of events) {
    await setClock(context, event.at);
    const current = await readModel(context.dir);
    // A unit removed meanwhile gets nothing; a unit in error gets no new hooks (Juju retries the failed one first).
    if (!current.units[event.unit] || state.dyingUnits.includes(event.unit)) continue;
    if (event.kind === 'hook') {
      if (Object.hasOwn(state.errors, event.unit)) continue;
      const entry = hookEntry(event.unit, event.event.hook);
      if (Object.keys(event.event.env).length > 0) entry.env = { ...event.event.env };
      enqueue(state, entry);
      steps.push({ at: event.at, event: event.event.hook, unit: event.unit, outcomes: await settle(context, state) });
    } else {
      const outcome = await runCronJob(context, state, event.unit, event.job);
      steps.push({ at: event.at, event: `cron "${event.job.id}"`, unit: event.unit, outcomes: [outcome, ...(await settle(context, state))] });
    }
  }
  await setClock(context, to);
  return steps;
}

async function setClock(context: ModelContext, at: Date): Promise<void> {
  await updateModel(context.dir, (model) => {
    // Never backwards: a clock event source may only report events inside the window.
    if (modelNow(model).getTime() < at.getTime()) model.clock = at.toISOString();
  });
}

/** Starts a cron job as the unit's daemon would: `juju-exec <unit> "lucky dispatch --cron <job>"`, then queues what its changes trigger. */
async function runCronJob(context: ModelContext, state: RunnerState, unit: string, job: CronJob): Promise<HookOutcome> {
  const before = await readModel(context.dir);
  const paths = unitPaths(context.dir, unit);
  // The job may be the first to start the unit's daemon: it must not schedule by the system clock either.
  const command = `${CRON_SCHEDULER_ENV}=external ${cronDispatchCommand({ lucky: 'lucky', dataDir: paths.dataDir, socketPath: paths.socketPath, job: job.id })}`;
  const listener = context.listener();
  const name = `juju-exec (cron "${job.id}")`;
  listener?.hookStarted?.(unit, name);
  const result = await execa(join(context.simulator.toolsDir, 'juju-exec'), [unit, command], {
    env: { PATH: [...context.path, process.env.PATH ?? ''].join(':'), ...passThroughEnvironment() },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  const after = await readModel(context.dir);
  for (const hook of triggeredHooks(unit, before, after, state.dyingUnits, state.dyingRelations)) enqueue(state, hook);
  const outcome: HookOutcome = {
    unit,
    hook: name,
    exitCode: result.exitCode ?? 1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? '') || (result.exitCode === undefined ? `${result.shortMessage}\n` : ''),
  };
  listener?.hookFinished?.(outcome);
  return outcome;
}
