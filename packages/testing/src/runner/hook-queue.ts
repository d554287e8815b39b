/**
 * The engine under every LocalModel operation: runs the queued hooks through the
 * simulator, different units' at the same time as Juju's unit agents do (each unit's
 * in its queue order, as `startableEntries` allows), queues the hooks their changes
 * trigger, carries out queued unit and relation removals, and stops an operation that
 * does not settle. The queue is saved as each entry ends, so another process can
 * continue it.
 */
import { SimulatorError } from '../errors.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HookResult, RunHookOptions } from '../hook-runner.js';
import { unitApplication } from '../model/names.js';
import { containerOf } from '../model/scope.js';
import { unitStorageIds } from '../model/storage.js';
import { MODEL_DIR_MODE, readModel, updateModel } from '../model/store.js';
import { stopDaemon, type ModelContext } from './context.js';
import { HookChanges } from './hook-changes.js';
import { kubernetesHookEnv } from '../kubernetes/env.js';
import { stopUnitWorkloads } from '../kubernetes/workloads.js';
import { modelDockerEnv, sweepModelDocker } from './cleanup.js';
import { liveUnits } from './live.js';
import { rebootUnit } from './reboot.js';
import { describeEntry, dropRelationEntries, dropUnitEntries, enqueue, hookEntry, nextRunnable, startableEntries } from './queue.js';
import { writeRunnerState, type QueueEntry, type QueuedHook, type QueuedRelationRemoval, type QueuedUnitRemoval, type RunnerState } from './state.js';
import type { HookOutcome } from './types.js';
import { unitPaths } from './unit-paths.js';

/** A unit's agent status message while it is in error, as Juju words it. */
export function failedMessage(hook: string): string {
  return `hook failed: "${hook}"`;
}

/** One operation's run of the queue: the entries in flight, and what the hooks that finished saw. */
interface Settling {
  readonly context: ModelContext;
  readonly state: RunnerState;
  /** Entries in flight (still queued until they finish), each with the promise of its end. */
  readonly running: Map<QueueEntry, Promise<void>>;
  /** The hooks run, in the order they finished. */
  readonly outcomes: HookOutcome[];
  /** Hook ends and saves of the state, one at a time in order (see `serialize`). */
  readonly serialize: <T>(fn: () => Promise<T>) => Promise<T>;
  /** What finished hooks trigger. */
  readonly changes: HookChanges;
  /** Unit → the unit whose machine it runs on (its principal for a subordinate). */
  readonly machines: Map<string, string>;
}

/** Runs `fn`s one at a time, each after every earlier one ended (even by failing). */
function serializer(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Whether this operation runs one hook at a time: the model was created so, the LocalModel is set so (`lucky sim … --serial`), or `LUCKY_SIM_SERIAL=1`. */
export function isSerial(context: ModelContext, state: RunnerState): boolean {
  return state.serial === true || context.serial?.() === true || process.env.LUCKY_SIM_SERIAL === '1';
}

/**
 * Runs queued entries until none can run (the model settled, or only units in error
 * have work left); returns the hooks run, in the order they finished. As Juju's unit
 * agents do, each unit runs its hooks one at a time in its queue order, concurrently
 * with other units (units sharing a machine take turns); removals run alone. A serial
 * model runs one entry at a time in queue order. The queue is saved as each entry
 * ends, an entry in flight still in it, so another process continuing the queue runs
 * an interrupted hook again (as Juju reruns a hook interrupted by an agent restart).
 */
export async function settle(context: ModelContext, state: RunnerState): Promise<HookOutcome[]> {
  const run: Settling = { context, state, running: new Map(), outcomes: [], serialize: serializer(), changes: new HookChanges(), machines: new Map() };
  const serial = isSerial(context, state);
  let failure: { error: unknown } | undefined;
  let runaway = false;
  let started = 0;
  for (;;) {
    const next = failure || runaway ? [] : await startable(run, serial);
    for (const entry of next) {
      if (entry.kind !== 'hook') {
        // Alone: nothing is in flight (startableEntries).
        await run.serialize(() => removeEntry(run, entry));
        continue;
      }
      if (started >= state.maxHooksPerOperation) {
        // The hooks in flight end first, then the operation stops with the queue saved.
        runaway = true;
        break;
      }
      started++;
      const done = runEntry(run, entry).then(
        (outcome) => void run.outcomes.push(outcome),
        (error: unknown) => void (failure ??= { error }),
      );
      run.running.set(
        entry,
        done.finally(() => run.running.delete(entry)),
      );
    }
    if (run.running.size > 0) await Promise.race(run.running.values());
    else if (failure) throw failure.error;
    else if (runaway) return stopRunaway(run);
    else if (next.length === 0) return run.outcomes;
  }
}

/** What may start now: everything `startableEntries` allows, or in a serial model the first runnable entry once nothing runs. */
async function startable(run: Settling, serial: boolean): Promise<QueueEntry[]> {
  if (serial) {
    if (run.running.size > 0) return [];
    const entry = run.state.queue[nextRunnable(run.state)];
    return entry ? [entry] : [];
  }
  const unknown = run.state.queue.some((entry) => entry.kind === 'hook' && !run.machines.has(entry.unit));
  if (unknown) {
    const model = await readModel(run.context.dir);
    for (const unit of Object.keys(model.units)) run.machines.set(unit, containerOf(model, unit));
    // A unit gone from the model meanwhile: its own machine (its entries are about to be dropped).
    for (const entry of run.state.queue) if (entry.kind === 'hook' && !run.machines.has(entry.unit)) run.machines.set(entry.unit, entry.unit);
  }
  return startableEntries(run.state, new Set(run.running.keys()), (unit) => run.machines.get(unit) ?? unit);
}

/** The runaway guard: every hook started has ended; the rest stays queued. */
async function stopRunaway(run: Settling): Promise<never> {
  await run.serialize(() => writeRunnerState(run.context.dir, run.state));
  const next = run.state.queue[nextRunnable(run.state)];
  const last = run.outcomes
    .slice(-6)
    .map((outcome) => `${outcome.unit} ${outcome.hook}`)
    .join(', ');
  throw new SimulatorError(
    `Stopped after ${run.outcomes.length} hooks in one operation without the model settling; the charms seem to trigger each other endlessly (last: ${last}; next: ${next ? describeEntry(next) : 'none'}). The remaining hooks stay queued.`,
  );
}

/** A queued unit or relation removal, carried out once nothing else runs. */
async function removeEntry(run: Settling, entry: QueuedUnitRemoval | QueuedRelationRemoval): Promise<void> {
  const { context, state } = run;
  removeFromQueue(state, entry);
  if (entry.kind === 'remove-unit') {
    await finishUnitRemoval(context, state, entry.unit);
  } else {
    await updateModel(context.dir, (model) => {
      delete model.relations[String(entry.relationId)];
    });
    state.dyingRelations = state.dyingRelations.filter((id) => id !== entry.relationId);
    dropRelationEntries(state, entry.relationId);
  }
  run.changes.forget();
  await writeRunnerState(context.dir, state);
}

/** Takes an entry out of the queue by identity: other entries come and go while a hook runs. */
function removeFromQueue(state: RunnerState, entry: QueueEntry): void {
  const index = state.queue.indexOf(entry);
  if (index !== -1) state.queue.splice(index, 1);
}

async function runEntry(run: Settling, entry: QueuedHook): Promise<HookOutcome> {
  const { context, state } = run;
  const before = await readModel(context.dir);
  const paths = unitPaths(context.dir, entry.unit);
  await mkdir(join(paths.dataDir, '..'), { recursive: true, mode: MODEL_DIR_MODE });
  const relation: RunHookOptions =
    entry.relationId === null
      ? {}
      : {
          relationId: entry.relationId,
          remoteApp: entry.remoteApp,
          ...(entry.remoteUnit !== '' ? { remoteUnit: entry.remoteUnit } : {}),
          ...(entry.departingUnit !== '' ? { departingUnit: entry.departingUnit } : {}),
        };
  const storage: RunHookOptions = entry.storageId === '' ? {} : { storageId: entry.storageId };
  const workload: RunHookOptions = {
    ...(entry.notice ? { notice: entry.notice } : {}),
    ...(entry.checkName !== undefined ? { checkName: entry.checkName } : {}),
  };
  const listener = context.listener();
  listener?.hookStarted?.(entry.unit, entry.hook);
  const result: HookResult = await context.simulator.runHook(entry.unit, entry.hook, {
    ...relation,
    ...storage,
    ...workload,
    ...(entry.secret ? { secret: entry.secret } : {}),
    extraEnv: {
      LUCKY_DATA_DIR: paths.dataDir,
      LUCKY_DAEMON_SOCKET: paths.socketPath,
      ...kubernetesHookEnv(before, context.dir, entry.unit),
      ...modelDockerEnv(context.dir),
      // The model clock, not the system clock, drives cron here (runner/clock-advance.ts).
      LUCKY_CRON_SCHEDULER: 'external',
      ...entry.env,
      PATH: [context.simulator.toolsDir, ...context.path, process.env.PATH ?? ''].join(':'),
    },
    onStdout: (chunk) => listener?.output?.(entry.unit, entry.hook, 'stdout', chunk),
    onStderr: (chunk) => listener?.output?.(entry.unit, entry.hook, 'stderr', chunk),
  });
  // Hook ends one at a time, each reading the model after the one before (HookChanges).
  await run.serialize(async () => {
    const after = await readModel(context.dir);
    if (result.reboot === 'now') {
      // Juju requeues a hook killed by `juju-reboot --now`: it stays first in the unit's queue.
      await rebootUnit(context, state, entry.unit);
    } else if (result.exitCode === 0) {
      if (result.reboot === 'after-hook') await rebootUnit(context, state, entry.unit);
      removeFromQueue(state, entry);
    } else {
      await updateModel(context.dir, (model) => {
        model.units[entry.unit]?.statusHistory.push({ status: 'error', message: failedMessage(entry.hook) });
      });
      // The entry stays at the head of the unit's queue: resolved runs it again.
      state.errors[entry.unit] = { hook: entry.hook };
    }
    const running = new Set(run.running.keys());
    for (const hook of run.changes.finished(entry.unit, before, after, state)) enqueue(state, hook, running);
    await writeRunnerState(context.dir, state);
  });
  const outcome: HookOutcome = {
    unit: entry.unit,
    hook: entry.hook,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    ...(result.reboot ? { reboot: result.reboot } : {}),
  };
  listener?.hookFinished?.(outcome);
  return outcome;
}

/**
 * After a removed unit's `remove` hook: it leaves the model with its storage
 * (whose directories stay on disk, as Juju keeps detached storage), leadership moves
 * on, its daemon stops.
 */
async function finishUnitRemoval(context: ModelContext, state: RunnerState, unit: string): Promise<void> {
  const app = unitApplication(unit);
  const newLeader = await updateModel(context.dir, (model) => {
    delete model.units[unit];
    for (const id of unitStorageIds(model, unit)) delete model.storage[id];
    for (const relation of Object.values(model.relations)) {
      relation.joined = relation.joined.filter((name) => name !== unit);
      delete relation.unitData[unit];
    }
    const application = model.applications[app];
    if (!application || application.leader !== unit) return null;
    // Like Juju, any live unit may win; prefer the lowest-numbered unit that is not in error.
    const candidates = liveUnits(model, app, state).filter((name) => name !== unit);
    const leader = candidates.find((name) => !Object.hasOwn(state.errors, name)) ?? candidates[0] ?? null;
    application.leader = leader;
    return leader;
  });
  state.dyingUnits = state.dyingUnits.filter((name) => name !== unit);
  delete state.errors[unit];
  dropUnitEntries(state, unit);
  if (newLeader !== null) enqueue(state, hookEntry(newLeader, 'leader-elected'));
  // Saved first: should the daemon refuse to stop, the unit is still gone and the queue goes on next time.
  await writeRunnerState(context.dir, state);
  await stopDaemon(context, unit);
  // A Kubernetes unit's pod goes with it: its Pebble servers and workload containers.
  await stopUnitWorkloads(context.dir, unit);
  // Its stop hook's removeAll took its Docker containers; this takes any its daemon could not.
  await sweepModelDocker(context.dir, unit);
}
