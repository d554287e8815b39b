/**
 * The engine under every LocalModel operation: takes the queued entries in the
 * order `nextRunnable` allows, runs hooks through the simulator, queues the hooks
 * their changes trigger, carries out queued unit and relation removals, and stops
 * an operation that does not settle. The queue is saved after each entry, so
 * another process can continue it.
 */
import { SimulatorError } from '../errors.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HookResult, RunHookOptions } from '../hook-runner.js';
import { unitApplication } from '../model/names.js';
import { unitStorageIds } from '../model/storage.js';
import { MODEL_DIR_MODE, readModel, updateModel } from '../model/store.js';
import { stopDaemon, type ModelContext } from './context.js';
import { triggeredHooks } from './diff.js';
import { kubernetesHookEnv } from '../kubernetes/env.js';
import { stopUnitWorkloads } from '../kubernetes/workloads.js';
import { modelDockerEnv, sweepModelDocker } from './cleanup.js';
import { liveUnits } from './live.js';
import { rebootUnit } from './reboot.js';
import { describeEntry, dropRelationEntries, dropUnitEntries, enqueue, hookEntry, nextRunnable } from './queue.js';
import { writeRunnerState, type QueuedHook, type RunnerState } from './state.js';
import type { HookOutcome } from './types.js';
import { unitPaths } from './unit-paths.js';

/** A unit's agent status message while it is in error, as Juju words it. */
export function failedMessage(hook: string): string {
  return `hook failed: "${hook}"`;
}

/** Runs queued entries until none can run (the model settled, or only units in error have work left); returns the hooks run. */
export async function settle(context: ModelContext, state: RunnerState): Promise<HookOutcome[]> {
  const outcomes: HookOutcome[] = [];
  for (;;) {
    const index = nextRunnable(state);
    const entry = state.queue[index];
    if (index === -1 || !entry) return outcomes;
    if (entry.kind === 'remove-unit') {
      state.queue.splice(index, 1);
      await finishUnitRemoval(context, state, entry.unit);
    } else if (entry.kind === 'remove-relation') {
      state.queue.splice(index, 1);
      await updateModel(context.dir, (model) => {
        delete model.relations[String(entry.relationId)];
      });
      state.dyingRelations = state.dyingRelations.filter((id) => id !== entry.relationId);
      dropRelationEntries(state, entry.relationId);
    } else {
      if (outcomes.length >= state.maxHooksPerOperation) {
        await writeRunnerState(context.dir, state);
        const last = outcomes
          .slice(-6)
          .map((outcome) => `${outcome.unit} ${outcome.hook}`)
          .join(', ');
        throw new SimulatorError(
          `Stopped after ${outcomes.length} hooks in one operation without the model settling; the charms seem to trigger each other endlessly (last: ${last}; next: ${describeEntry(entry)}). The remaining hooks stay queued.`,
        );
      }
      outcomes.push(await runEntry(context, state, index, entry));
    }
    await writeRunnerState(context.dir, state);
  }
}

async function runEntry(context: ModelContext, state: RunnerState, index: number, entry: QueuedHook): Promise<HookOutcome> {
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
  const after = await readModel(context.dir);
  if (result.reboot === 'now') {
    // Juju requeues a hook killed by `juju-reboot --now`: it stays first in the unit's queue.
    await rebootUnit(context, state, entry.unit);
  } else if (result.exitCode === 0) {
    state.queue.splice(index, 1);
    if (result.reboot === 'after-hook') await rebootUnit(context, state, entry.unit);
  } else {
    // The entry stays at the head of the unit's queue: resolved runs it again.
    state.errors[entry.unit] = { hook: entry.hook };
    await updateModel(context.dir, (model) => {
      model.units[entry.unit]?.statusHistory.push({ status: 'error', message: failedMessage(entry.hook) });
    });
  }
  for (const hook of triggeredHooks(entry.unit, before, after, state.dyingUnits, state.dyingRelations)) enqueue(state, hook);
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
