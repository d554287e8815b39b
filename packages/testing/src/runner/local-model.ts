import { SimulatorError } from '../errors.js';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { withFileLock } from '../model/lock.js';
import { unitFromTag } from '../model/names.js';
import type { HookRun } from '../model/schema.js';
import { MODEL_DIR_MODE, modelPaths, readModel } from '../model/store.js';
import { createSimulatedModel, openSimulatedModel, type SimulatedModel } from '../simulated-model.js';
import { ensureModelServer } from '../server/start.js';
import { stopDaemon, unitEnv, type ModelContext, type Operation } from './context.js';
import { byUnitNumber } from './diff.js';
import { settle } from './hook-queue.js';
import { config } from './operations/config.js';
import { resolved, run } from './operations/hooks.js';
import { relate, removeRelation } from './operations/relations.js';
import { addStorage } from './operations/storage.js';
import { addUnit, deploy, removeUnit } from './operations/units.js';
import { finishApplicationRemoval, removeApplication } from './operations/applications.js';
import { liveUnits as liveUnitsOf } from './live.js';
import { upgrade } from './operations/upgrade.js';
import { advanceClock, type ClockStep } from './clock-advance.js';
import { modelNow, parseDuration } from './clock.js';
import { RUNNER_FORMAT, readRunnerState, runnerLockPath, runnerStatePath, writeRunnerState, type RunnerState } from './state.js';
import { modelStatus } from './status.js';
import type { PebbleEvent } from '../kubernetes/event.js';
import { notify, type NotifyResult } from '../kubernetes/notify.js';
import { pebbleEvent, restartContainer } from '../kubernetes/operations.js';
import { withContainers } from '../kubernetes/status.js';
import { removeWorkloadContainers, stopUnitWorkloads } from '../kubernetes/workloads.js';
import type { DeployOptions, HookOutcome, LocalModelListener, LocalModelOptions, ModelStatus, ResolvedOptions } from './types.js';
import { shortSocketRoot } from './unit-paths.js';
import { sweepModelDocker } from './cleanup.js';
import { stopModelServer } from '../server/start.js';
import { runAction } from '../actions/run.js';
import { readActionRuns } from '../actions/store.js';
import type { ActionResult, ActionRun } from '../actions/schema.js';
// Registers secret rotation and expiry with the model clock.
import '../secrets/clock-source.js';

export type { DeployOptions, HookOutcome, LocalModelListener, LocalModelOptions, ModelStatus, ResolvedOptions, UnitView } from './types.js';
export type { ActionResult, ActionRun, ActionLogEntry } from '../actions/schema.js';

/** The bound on hooks one operation may run before the runner calls it a loop. */
export const DEFAULT_MAX_HOOKS_PER_OPERATION = 500;

/** Operations wait this long for another process's operation on the same model. */
const LOCK_TIMEOUT_MS = 10 * 60_000;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A Juju model of several applications and units, run locally: operations (deploy,
 * relate, config, …) queue hooks in Juju's order and run them through each unit's
 * real `dispatch`, then keep running the hooks those hooks cause (relation data and
 * leader settings changes) until the model settles. Everything lives in `dir`, so
 * `LocalModel.open(dir)` in another process continues where the last one stopped.
 *
 * As on Juju, each unit runs its hooks one at a time, in Juju's order, concurrently
 * with other units' hooks; `serial` runs one hook at a time across the model instead.
 *
 * Each operation's checks and queued hooks are in `operations/`; the hook queue
 * that runs them is `hook-queue.ts`.
 */
export class LocalModel {
  readonly dir: string;
  readonly simulator: SimulatedModel;
  /** Optional observer of hook runs and output. */
  listener: LocalModelListener | null = null;
  /** Run this object's operations one hook at a time across the model (as a model created with `serial: true` always does). */
  serial = false;
  private readonly context: ModelContext;
  private destroyed = false;

  private constructor(dir: string, simulator: SimulatedModel, path: readonly string[]) {
    this.dir = dir;
    this.simulator = simulator;
    this.context = { dir, simulator, path, listener: () => this.listener, serial: () => this.serial };
  }

  /** Creates a model in `dir` (created if needed); refuses a directory that already holds one. */
  static async create(dir: string, options: LocalModelOptions = {}): Promise<LocalModel> {
    const root = resolve(dir);
    if ((await exists(modelPaths(root).model)) || (await exists(runnerStatePath(root)))) {
      throw new SimulatorError(`${root} already holds a model; open it with LocalModel.open, or choose another directory.`);
    }
    const path = (options.path ?? []).map((entry) => {
      if (typeof entry !== 'string' || entry === '' || entry.includes(':')) throw new SimulatorError(`Invalid PATH entry ${JSON.stringify(entry)}.`);
      return isAbsolute(entry) ? entry : resolve(entry);
    });
    const max = options.maxHooksPerOperation ?? DEFAULT_MAX_HOOKS_PER_OPERATION;
    if (!Number.isSafeInteger(max) || max < 1) throw new SimulatorError(`maxHooksPerOperation must be a whole number of at least 1, got ${max}.`);
    if (options.name !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(options.name)) {
      throw new SimulatorError(`Invalid model name ${JSON.stringify(options.name)}: use lowercase letters, digits and "-".`);
    }
    await mkdir(root, { recursive: true, mode: MODEL_DIR_MODE });
    const simulator = await createSimulatedModel(root, options.name !== undefined ? { name: options.name } : {});
    const state: RunnerState = {
      format: RUNNER_FORMAT,
      path,
      maxHooksPerOperation: max,
      ...(options.serial === true ? { serial: true } : {}),
      applications: {},
      errors: {},
      dyingUnits: [],
      dyingRelations: [],
      queue: [],
    };
    await writeRunnerState(root, state);
    return new LocalModel(root, simulator, path);
  }

  /** Opens the model in `dir`. */
  static async open(dir: string): Promise<LocalModel> {
    const root = resolve(dir);
    const state = await readRunnerState(root);
    if (!state) {
      if (await exists(modelPaths(root).model)) {
        throw new SimulatorError(`${root} holds a bare simulated model without runner state (runner.json); it was not made by LocalModel.create.`);
      }
      throw new SimulatorError(`There is no model in ${root}; create one first (LocalModel.create).`);
    }
    return new LocalModel(root, await openSimulatedModel(root), state.path);
  }

  /** Deploys a charm: peer relations, then per unit -storage-attached for each storage instance, install, relation-created, leader-elected/-settings-changed, config-changed, start, then peers join. */
  deploy(charmDir: string, options: DeployOptions = {}): Promise<HookOutcome[]> {
    return this.operation((operation) => deploy(this.context, operation, charmDir, options));
  }

  /** Adds units; each runs the install sequence, then joins every relation of its application. */
  addUnit(app: string, count = 1): Promise<HookOutcome[]> {
    return this.operation((operation) => addUnit(this.context, operation, app, count));
  }

  /** Removes a unit: -departed on both sides of each of its relations, then -broken, stop, -storage-detaching for each of its storage instances, remove on it. */
  removeUnit(unit: string): Promise<HookOutcome[]> {
    return this.operation((operation) => removeUnit(this.context, operation, unit));
  }

  /**
   * `juju remove-application`: its relations depart and break on both sides, its units
   * run stop and remove (their Docker containers go, see runner/cleanup.ts), then the
   * application leaves the model. Should a hook fail, the application stays until the
   * unit is resolved and `removeApplication` is called again.
   */
  async removeApplication(app: string): Promise<HookOutcome[]> {
    const model = await this.simulator.state();
    const state = await this.loadState();
    // Called again after a failed hook: finish what is left (the units already dying).
    const again =
      Object.hasOwn(model.applications, app) &&
      Object.values(model.units).some((unit) => unit.application === app) &&
      liveUnitsOf(model, app, state).length === 0;
    const outcomes = again ? await this.operation(async () => undefined) : await this.operation((operation) => removeApplication(this.context, operation, app));
    await withFileLock(
      runnerLockPath(this.dir),
      async () => {
        const current = await this.loadState();
        if (await finishApplicationRemoval(this.context, current, app)) await writeRunnerState(this.dir, current);
      },
      { timeoutMs: LOCK_TIMEOUT_MS, staleMs: Number.MAX_SAFE_INTEGER },
    );
    return outcomes;
  }

  /**
   * `juju config`: values may be strings from a command line ("8080", "true"), coerced
   * to the option's type; null resets an option to its default. config-changed runs
   * on every unit when the effective config changed.
   */
  config(app: string, values: Readonly<Record<string, unknown>>): Promise<HookOutcome[]> {
    return this.operation((operation) => config(this.context, operation, app, values));
  }

  /** `juju integrate a b`: -relation-created on every unit of both sides, then -joined/-changed both ways per pair of units. */
  relate(a: string, b: string): Promise<HookOutcome[]> {
    return this.operation((operation) => relate(this.context, operation, a, b));
  }

  /** `juju remove-relation a b`: -departed both ways for every pair of units, then -broken on every unit. */
  removeRelation(a: string, b: string): Promise<HookOutcome[]> {
    return this.operation((operation) => removeRelation(this.context, operation, a, b));
  }

  /** Fires one hook on a unit (update-status, a custom hook…), then settles. Relation and storage hooks are refused: they follow relation and storage changes. */
  run(unit: string, hook: string): Promise<HookOutcome[]> {
    return this.operation((operation) => run(operation, unit, hook));
  }

  /**
   * `juju run <unit> <action> key=value…`: checks `params` against the charm's actions.yaml
   * (refusing them as Juju does, before anything runs), fills in the defaults, runs the
   * action, then the hooks its changes trigger. Resolves with the action's outcome (a
   * failed action resolves too: `status` says so) and those hooks.
   */
  async runAction(unit: string, name: string, params: Readonly<Record<string, unknown>> = {}): Promise<ActionResult> {
    let run: ActionRun | undefined;
    const hooks = await this.operation(async (operation) => {
      run = await runAction(this.context, operation, unit, name, params);
    });
    if (!run) throw new SimulatorError(`The action ${name} on ${unit} did not run.`);
    return { ...run, hooks };
  }

  /** Finished actions (params, status, results, logs, output), oldest first, optionally of one unit. */
  async actionLog(unit?: string): Promise<ActionRun[]> {
    this.assertAlive();
    const runs = await readActionRuns(this.dir);
    return unit === undefined ? runs : runs.filter((run) => run.unit === unit);
  }

  /** Clears a unit's error: runs the failed hook again (unless `retry: false`), then the rest of the unit's queue. */
  resolved(unit: string, options: ResolvedOptions = {}): Promise<HookOutcome[]> {
    return this.operation((operation) => resolved(operation, unit, options));
  }

  /** Upgrades an application to the charm in `charmDir` (default: its current directory, re-read): upgrade-charm then config-changed on every unit. */
  upgrade(app: string, charmDir?: string): Promise<HookOutcome[]> {
    return this.operation((operation) => upgrade(this.context, operation, app, charmDir));
  }

  /** The model clock: real time at creation, moved only by `advance`. */
  async now(): Promise<Date> {
    this.assertAlive();
    return modelNow(await this.simulator.state());
  }

  /**
   * Moves the model clock forward by `duration` (milliseconds, or `5m`, `1h30m`, `2d`…) and
   * fires what fell due, in time order: update-status every 5 minutes on every unit, the
   * units' Lucky cron jobs (through juju-exec), and registered clock-event sources
   * (runner/clock-advance.ts). Returns each event with the hooks it ran.
   */
  async advance(duration: number | string): Promise<ClockStep[]> {
    this.assertAlive();
    const ms = typeof duration === 'string' ? parseDuration(duration) : duration;
    if (!Number.isSafeInteger(ms) || ms <= 0) throw new SimulatorError(`advance needs a positive whole number of milliseconds, got ${duration}.`);
    return await withFileLock(
      runnerLockPath(this.dir),
      async () => {
        const state = await this.loadState();
        try {
          return await advanceClock(this.context, state, ms);
        } finally {
          await writeRunnerState(this.dir, state);
        }
      },
      { timeoutMs: LOCK_TIMEOUT_MS, staleMs: Number.MAX_SAFE_INTEGER },
    );
  }

  /** `juju add-storage <unit> <name>=<count>`: attaches new instances of a store to a unit, then runs their `-storage-attached` hooks. */
  addStorage(unit: string, name: string, count = 1): Promise<HookOutcome[]> {
    return this.operation((operation) => addStorage(this.context, operation, unit, name, count));
  }

  async status(): Promise<ModelStatus> {
    this.assertAlive();
    const [model, state] = await Promise.all([this.simulator.state(), this.loadState()]);
    // Kubernetes units: each workload container's services, asked of its Pebble.
    return withContainers(this.dir, model, modelStatus(this.dir, model, state));
  }

  /** Pod churn on a Kubernetes unit: the workload container restarts from its image with a fresh Pebble (no services), then `<container>-pebble-ready` runs again. */
  restartContainer(unit: string, container: string): Promise<HookOutcome[]> {
    return this.operation((operation) => restartContainer(this.context, operation, unit, container));
  }

  /**
   * `pebble notify <key> [k=v…]` in a Kubernetes unit's workload container: a custom notice,
   * which fires `<container>-pebble-custom-notice`. Resolves once that hook has run and the model settled.
   */
  notify(unit: string, container: string, key: string, data: Readonly<Record<string, string>> = {}): Promise<NotifyResult> {
    this.assertAlive();
    return notify(this.context, unit, container, key, data);
  }

  /** What the Juju agent does with a Pebble event of a workload container: queues its hook and settles. Run by the Pebble server's `--on-event` program. */
  pebbleEvent(unit: string, container: string, event: PebbleEvent): Promise<HookOutcome[]> {
    return this.operation(async (operation) => {
      await pebbleEvent(operation, unit, container, event);
    });
  }

  /** Recorded hook runs (with environment and output), oldest first. */
  hookLog(unit?: string): Promise<HookRun[]> {
    this.assertAlive();
    return this.simulator.hookLog(unit);
  }

  /** What reaches a unit's daemon from outside a hook, e.g. `lucky kv get`. Works for removed units too (their data dir stays). */
  unitEnv(unit: string): Record<string, string> {
    return unitEnv(this.context, unit);
  }

  /**
   * Stops every unit's daemon (`lucky daemon stop`), removes every Docker container,
   * network and volume carrying the model's label (runner/cleanup.ts: what the units'
   * Docker runtimes made), and removes the model directory. Like
   * `juju destroy-model --force`, no stop/remove hook runs. When a daemon cannot be
   * stopped or a container removed, the directory is kept and the error says which.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    await withFileLock(
      runnerLockPath(this.dir),
      async () => {
        const units = new Set<string>();
        const model = await readModel(this.dir).catch(() => null);
        for (const unit of Object.keys(model?.units ?? {})) units.add(unit);
        // Removed units' daemons were stopped at removal; their dirs are checked again in case one was restarted by hand.
        for (const tag of await readdir(join(this.dir, 'units')).catch(() => [] as string[])) {
          const unit = unitFromTag(tag);
          if (unit !== null) units.add(unit);
        }
        // Daemons are independent processes: stop them all at once.
        const results: PromiseSettledResult<unknown>[] = await Promise.allSettled([...units].sort(byUnitNumber).map((unit) => stopDaemon(this.context, unit)));
        // Kubernetes units' workload containers: Pebble servers by pid, then any Docker container left with the model's label.
        const workloads = await Promise.allSettled([...units].map((unit) => stopUnitWorkloads(this.dir, unit)));
        results.push(...workloads);
        const kubernetes = Object.values(model?.applications ?? {}).some((app) => app.containers !== undefined);
        if (kubernetes || workloads.some((result) => result.status === 'fulfilled' && result.value)) {
          results.push(...(await Promise.allSettled([removeWorkloadContainers(this.dir)])));
        }
        // Machine charms' Docker containers (and any network or volume) with the model's label: its units' daemons do not remove them on stop.
        results.push(...(await Promise.allSettled([sweepModelDocker(this.dir)])));
        // The model's server last: the daemons' last hook tools (stop) may still have called it.
        results.push(...(await Promise.allSettled([stopModelServer(this.dir)])));
        const failures = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
        if (failures.length > 0) throw new SimulatorError(`The model in ${this.dir} was not removed: ${failures.join('; ')}`);
        this.destroyed = true;
        await rm(shortSocketRoot(this.dir), { recursive: true, force: true });
        await rm(this.dir, { recursive: true, force: true });
      },
      { timeoutMs: LOCK_TIMEOUT_MS, staleMs: Number.MAX_SAFE_INTEGER },
    );
  }

  // --- internals

  private assertAlive(): void {
    if (this.destroyed) throw new SimulatorError(`The model in ${this.dir} was destroyed.`);
  }

  private async loadState(): Promise<RunnerState> {
    const state = await readRunnerState(this.dir);
    if (!state) throw new SimulatorError(`There is no model in ${this.dir} any more (runner.json is gone).`);
    return state;
  }

  /**
   * One operation: under the runner lock (another process's operation on the same
   * model waits), `prepare` checks its input against the current model, throwing
   * before it changes anything, then changes the model and queues hooks; then the
   * queue runs until the model settles.
   */
  private async operation(prepare: (operation: Operation) => Promise<void>): Promise<HookOutcome[]> {
    this.assertAlive();
    // The hooks' tools are served by the model's server: its start overlaps the checks and changes before the first hook, which waits for it.
    void ensureModelServer(this.dir);
    return withFileLock(
      runnerLockPath(this.dir),
      async () => {
        const state = await this.loadState();
        const model = await this.simulator.state();
        await prepare({ state, model });
        await writeRunnerState(this.dir, state);
        return settle(this.context, state);
      },
      // An operation runs hooks for a long time; only a dead holder's lock is stale.
      { timeoutMs: LOCK_TIMEOUT_MS, staleMs: Number.MAX_SAFE_INTEGER },
    );
  }
}
