import { SimulatorError } from '../errors.js';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { checkConfigValue } from '../charm-metadata.js';
import type { HookResult, RunHookOptions } from '../hook-runner.js';
import { withFileLock } from '../model/lock.js';
import { isValidApplication, isValidUnit, unitApplication, unitFromTag } from '../model/names.js';
import { formatPortRange, uniquePortRanges } from '../model/ports.js';
import { isPeerRelation, localEndpoint, relationsOf, remoteApplication } from '../model/relations.js';
import type { ConfigValue, HookRun, ModelState, RelationState, StorageKind } from '../model/schema.js';
import { createStorage, createStorageDirectories, unitStorageIds } from '../model/storage.js';
import { modelPaths, readModel, updateModel } from '../model/store.js';
import { createSimulatedModel, openSimulatedModel, type SimulatedModel } from '../simulated-model.js';
import { readCharm } from './charm.js';
import { coerceConfig, effectiveConfig } from './config.js';
import { stopUnitDaemon } from './daemon.js';
import { byUnitNumber, triggeredHooks } from './diff.js';
import { findRelation, formatEndpoint, resolveRelationEndpoints } from './endpoints.js';
import { describeEntry, dropRelationEntries, dropUnitEntries, enqueue, hookEntry, nextRunnable, storageHookEntry } from './queue.js';
import { RUNNER_FORMAT, readRunnerState, runnerLockPath, runnerStatePath, writeRunnerState, type QueuedHook, type RunnerState } from './state.js';
import { storageUpgradeProblem } from './storage.js';
import { shortSocketRoot, unitPaths } from './unit-paths.js';

/** The bound on hooks one operation may run before the runner calls it a loop. */
export const DEFAULT_MAX_HOOKS_PER_OPERATION = 500;

export interface LocalModelOptions {
  /** Directories put on PATH before the system PATH for every hook, so `lucky` is found (e.g. the dir of the lucky executable). Persisted with the model. */
  readonly path?: readonly string[];
  readonly name?: string;
  /** Hooks one operation may run before it fails as a loop; default 500. Persisted with the model. */
  readonly maxHooksPerOperation?: number;
}

export interface DeployOptions {
  /** Application name; default: the charm's metadata name. */
  readonly name?: string;
  /** Default 1. */
  readonly units?: number;
  /** Validated against the charm's config options; strings are coerced as by `config`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Resource name → file path, as returned by `resource-get`. */
  readonly resources?: Readonly<Record<string, string>>;
}

export interface ResolvedOptions {
  /** false: mark the unit resolved without running the failed hook again (`juju resolved --no-retry`). Default true. */
  readonly retry?: boolean;
}

export interface HookOutcome {
  readonly unit: string;
  readonly hook: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface UnitView {
  readonly name: string;
  readonly application: string;
  readonly leader: boolean;
  readonly workload: { readonly status: string; readonly message: string };
  /** 'idle' | 'executing' | 'error' (Juju's agent status); for 'error', the failed hook. */
  readonly agent: { readonly status: 'idle' | 'error'; readonly message: string };
  readonly address: string;
  readonly ports: readonly string[];
  readonly dataDir: string;
  readonly socketPath: string;
  /** Attached storage, as `storage-list` orders it; location: a directory under the model dir, or a device path for block storage. */
  readonly storage: ReadonlyArray<{ readonly id: string; readonly kind: StorageKind; readonly location: string }>;
}

export interface ModelStatus {
  readonly name: string;
  readonly applications: ReadonlyArray<{ readonly name: string; readonly charm: string; readonly charmDir: string; readonly units: readonly UnitView[] }>;
  readonly relations: ReadonlyArray<{ readonly id: number; readonly endpoints: readonly string[] /* "app:endpoint" */; readonly interface: string; readonly peer: boolean }>;
}

/** Called while hooks run, e.g. to stream their output to a terminal. Not persisted. */
export interface LocalModelListener {
  hookStarted?(unit: string, hook: string): void;
  output?(unit: string, hook: string, stream: 'stdout' | 'stderr', chunk: string): void;
  hookFinished?(outcome: HookOutcome): void;
}

interface Operation {
  readonly state: RunnerState;
  readonly model: ModelState;
}

const HOOK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const RELATION_HOOK = /^(.+)-relation-(created|joined|changed|departed|broken)$/;
const STORAGE_HOOK = /^(.+)-storage-(attached|detaching)$/;
/** Operations wait this long for another process's operation on the same model. */
const LOCK_TIMEOUT_MS = 10 * 60_000;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function failedMessage(hook: string): string {
  return `hook failed: "${hook}"`;
}

function unitsOf(model: ModelState, app: string, state: RunnerState): string[] {
  return Object.keys(model.units)
    .filter((unit) => model.units[unit]?.application === app && !state.dyingUnits.includes(unit))
    .sort(byUnitNumber);
}

function endpointName(relation: RelationState, unit: string): string {
  return localEndpoint(relation, unitApplication(unit))?.name ?? '';
}

/** A relation hook of `unit` about `remote` (a unit, or '' with the remote application). */
function relationHook(relation: RelationState, unit: string, kind: string, remote: { unit?: string; app?: string; departing?: string } = {}): QueuedHook {
  const remoteApp = remote.app ?? (remote.unit !== undefined ? unitApplication(remote.unit) : remoteApplication(relation, unitApplication(unit)));
  return hookEntry(unit, `${endpointName(relation, unit)}-relation-${kind}`, {
    relationId: relation.id,
    remoteApp,
    ...(remote.unit !== undefined ? { remoteUnit: remote.unit } : {}),
    ...(remote.departing !== undefined ? { departingUnit: remote.departing } : {}),
  });
}

/** Joined units on the other side of `relation` from `unit` (peers: the other units). */
function scopePeers(relation: RelationState, unit: string): string[] {
  const other = remoteApplication(relation, unitApplication(unit));
  return relation.joined.filter((name) => name !== unit && unitApplication(name) === other).sort(byUnitNumber);
}

/**
 * A Juju model of several applications and units, run locally: operations (deploy,
 * relate, config, …) queue hooks in Juju's order and run them through each unit's
 * real `dispatch`, then keep running the hooks those hooks cause (relation data and
 * leader settings changes) until the model settles. Everything lives in `dir`, so
 * `LocalModel.open(dir)` in another process continues where the last one stopped.
 *
 * Hooks run one at a time in a deterministic order, where Juju would run different
 * units' hooks at the same time; each unit's own hooks keep Juju's order.
 */
export class LocalModel {
  readonly dir: string;
  readonly simulator: SimulatedModel;
  /** Optional observer of hook runs and output. */
  listener: LocalModelListener | null = null;
  private readonly path: readonly string[];
  private destroyed = false;

  private constructor(dir: string, simulator: SimulatedModel, path: readonly string[]) {
    this.dir = dir;
    this.simulator = simulator;
    this.path = path;
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
    await mkdir(root, { recursive: true });
    const simulator = await createSimulatedModel(root, options.name !== undefined ? { name: options.name } : {});
    const state: RunnerState = {
      format: RUNNER_FORMAT,
      path,
      maxHooksPerOperation: max,
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
    return this.operation(async ({ state, model }) => {
      const charm = await readCharm(charmDir);
      const name = options.name ?? charm.name;
      if (!isValidApplication(name)) {
        throw new SimulatorError(`Invalid application name ${JSON.stringify(name)}: use lowercase letters, digits and "-", starting with a letter.`);
      }
      if (Object.hasOwn(model.applications, name)) throw new SimulatorError(`Application ${name} already exists.`);
      const units = options.units ?? 1;
      if (!Number.isSafeInteger(units) || units < 1) throw new SimulatorError(`The number of units must be a whole number of at least 1, got ${units}.`);
      const config: Record<string, ConfigValue> = {};
      for (const [key, value] of Object.entries(coerceConfig(name, charm.configOptions, options.config ?? {}))) {
        if (value !== null) Object.defineProperty(config, key, { value, enumerable: true, writable: true, configurable: true });
      }
      for (const [key, path] of Object.entries(options.resources ?? {})) {
        if (typeof path !== 'string' || path === '') throw new SimulatorError(`Resource "${key}" needs a file path.`);
      }
      await this.simulator.addApplication(name, { charmDir: charm.dir, units: 0, config, resources: options.resources ?? {} });
      state.applications[name] = { charm: charm.name };
      for (const [endpoint, info] of Object.entries(charm.endpoints)) {
        if (info.role === 'peers') await this.simulator.addPeerRelation(name, endpoint);
      }
      await this.addUnits(state, name, units);
    });
  }

  /** Adds units; each runs the install sequence, then joins every relation of its application. */
  addUnit(app: string, count = 1): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      this.application(model, app);
      if (!Number.isSafeInteger(count) || count < 1) throw new SimulatorError(`The number of units must be a whole number of at least 1, got ${count}.`);
      const involved = unitsOf(model, app, state);
      for (const relation of this.liveRelations(model, state, app)) involved.push(...relation.joined);
      this.assertNoError(state, involved);
      await this.addUnits(state, app, count);
    });
  }

  /** Removes a unit: -departed on both sides of each of its relations, then -broken, stop, -storage-detaching for each of its storage instances, remove on it. */
  removeUnit(unit: string): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      this.unit(model, state, unit);
      const app = unitApplication(unit);
      const relations = this.liveRelations(model, state, app);
      this.assertNoError(state, [unit, ...relations.flatMap((relation) => scopePeers(relation, unit))]);
      state.dyingUnits.push(unit);
      const remoteSide: QueuedHook[] = [];
      const ownSide: QueuedHook[] = [];
      for (const relation of relations) {
        const others = scopePeers(relation, unit);
        if (relation.joined.includes(unit)) await this.simulator.departUnit(relation.id, unit);
        for (const other of others) remoteSide.push(relationHook(relation, other, 'departed', { unit, departing: unit }));
        for (const other of others) ownSide.push(relationHook(relation, unit, 'departed', { unit: other, departing: unit }));
        if (!isPeerRelation(relation)) ownSide.push(relationHook(relation, unit, 'broken'));
      }
      for (const entry of [...remoteSide, ...ownSide]) enqueue(state, entry);
      enqueue(state, hookEntry(unit, 'stop'));
      for (const id of unitStorageIds(model, unit)) enqueue(state, storageHookEntry(unit, id, 'detaching'));
      enqueue(state, hookEntry(unit, 'remove'));
      enqueue(state, { kind: 'remove-unit', unit });
    });
  }

  /**
   * `juju config`: values may be strings from a command line ("8080", "true"), coerced
   * to the option's type; null resets an option to its default. config-changed runs
   * on every unit when the effective config changed.
   */
  config(app: string, values: Readonly<Record<string, unknown>>): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      const current = this.application(model, app);
      const coerced = coerceConfig(app, current.configOptions, values);
      const units = unitsOf(model, app, state);
      this.assertNoError(state, units);
      const next = new Map(Object.entries(current.config));
      for (const [key, value] of Object.entries(coerced)) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      const before = JSON.stringify(effectiveConfig(current.configOptions, current.config));
      const after = JSON.stringify(effectiveConfig(current.configOptions, Object.fromEntries(next)));
      if (before === after) return;
      await this.simulator.setConfig(app, coerced);
      for (const unit of units) enqueue(state, hookEntry(unit, 'config-changed'));
    });
  }

  /** `juju integrate a b`: -relation-created on every unit of both sides, then -joined/-changed both ways per pair of units. */
  relate(a: string, b: string): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      const [left, right] = resolveRelationEndpoints(model, a, b);
      const existing = Object.values(model.relations).find((relation) =>
        [left, right].every((end) => relation.endpoints.some((e) => e.application === end.app && e.name === end.endpoint)),
      );
      if (existing) throw new SimulatorError(`${formatEndpoint(left)} and ${formatEndpoint(right)} are already related (relation ${existing.id}).`);
      const leftUnits = unitsOf(model, left.app, state);
      const rightUnits = unitsOf(model, right.app, state);
      this.assertNoError(state, [...leftUnits, ...rightUnits]);
      const key = await this.simulator.addRelation(formatEndpoint(left), formatEndpoint(right));
      const id = Number(key.slice(key.lastIndexOf(':') + 1));
      const relation = (await readModel(this.dir)).relations[String(id)];
      if (!relation) throw new SimulatorError(`Relation ${id} vanished while it was being created.`);
      for (const unit of [...leftUnits, ...rightUnits]) enqueue(state, relationHook(relation, unit, 'created'));
      for (const unit of [...leftUnits, ...rightUnits]) await this.simulator.joinUnit(id, unit);
      for (const x of leftUnits) {
        for (const y of rightUnits) this.queueJoin(state, relation, x, y);
      }
    });
  }

  /** `juju remove-relation a b`: -departed both ways for every pair of units, then -broken on every unit. */
  removeRelation(a: string, b: string): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      const relation = findRelation(model, a, b, state.dyingRelations);
      const [left, right] = relation.endpoints;
      if (!left || !right) throw new SimulatorError(`Relation ${relation.id} is a peer relation.`);
      const leftUnits = unitsOf(model, left.application, state);
      const rightUnits = unitsOf(model, right.application, state);
      this.assertNoError(state, [...leftUnits, ...rightUnits]);
      state.dyingRelations.push(relation.id);
      const joined = new Set(relation.joined);
      for (const x of leftUnits.filter((unit) => joined.has(unit))) {
        for (const y of rightUnits.filter((unit) => joined.has(unit))) {
          enqueue(state, relationHook(relation, x, 'departed', { unit: y, departing: y }));
          enqueue(state, relationHook(relation, y, 'departed', { unit: x, departing: x }));
        }
      }
      for (const unit of joined) await this.simulator.departUnit(relation.id, unit);
      for (const unit of [...leftUnits, ...rightUnits]) enqueue(state, relationHook(relation, unit, 'broken'));
      enqueue(state, { kind: 'remove-relation', relationId: relation.id });
    });
  }

  /** Fires one hook on a unit (update-status, a custom hook…), then settles. Relation and storage hooks are refused: they follow relation and storage changes. */
  run(unit: string, hook: string): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      this.unit(model, state, unit);
      if (!HOOK_NAME.test(hook)) throw new SimulatorError(`Invalid hook name ${JSON.stringify(hook)}: use lowercase letters, digits, "-" and "_".`);
      if (RELATION_HOOK.test(hook)) {
        throw new SimulatorError(`${hook} is a relation hook; relation hooks run when relations and their data change (relate, remove-relation, add-unit, remove-unit).`);
      }
      if (STORAGE_HOOK.test(hook)) {
        throw new SimulatorError(`${hook} is a storage hook; storage hooks run when storage is attached or detached (deploy, add-unit, addStorage, storage-add, remove-unit).`);
      }
      this.assertNoError(state, [unit]);
      state.queue.push(hookEntry(unit, hook));
    });
  }

  /** Clears a unit's error: runs the failed hook again (unless `retry: false`), then the rest of the unit's queue. */
  resolved(unit: string, options: ResolvedOptions = {}): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      if (!Object.hasOwn(model.units, unit)) this.unit(model, state, unit);
      if (!Object.hasOwn(state.errors, unit)) throw new SimulatorError(`Unit ${unit} is not in error; there is nothing to resolve.`);
      delete state.errors[unit];
      if (options.retry === false) {
        const failed = state.queue.findIndex((entry) => entry.kind === 'hook' && entry.unit === unit);
        if (failed !== -1) state.queue.splice(failed, 1);
      }
    });
  }

  /** Upgrades an application to the charm in `charmDir` (default: its current directory, re-read): upgrade-charm then config-changed on every unit. */
  upgrade(app: string, charmDir?: string): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      const current = this.application(model, app);
      const charm = await readCharm(charmDir ?? current.charmDir);
      for (const relation of relationsOf(model, app)) {
        const name = localEndpoint(relation, app)?.name ?? '';
        const before = current.endpoints?.[name];
        const after = Object.hasOwn(charm.endpoints, name) ? charm.endpoints[name] : undefined;
        if (!after || after.role !== before?.role || after.interface !== before.interface) {
          throw new SimulatorError(`Cannot upgrade ${app}: relation ${relation.id} uses endpoint "${name}", which the new charm ${after ? 'declares differently' : 'does not declare'}.`);
        }
      }
      const storageProblem = storageUpgradeProblem(model, app, current.storage, charm.storage);
      if (storageProblem !== null) throw new SimulatorError(`Cannot upgrade ${app}: ${storageProblem}.`);
      const units = unitsOf(model, app, state);
      this.assertNoError(state, units);
      // Values the new charm still declares with a fitting type survive the upgrade.
      const config: Record<string, ConfigValue> = {};
      for (const [key, value] of Object.entries(current.config)) {
        const option = Object.hasOwn(charm.configOptions, key) ? charm.configOptions[key] : undefined;
        if (!option) continue;
        try {
          Object.defineProperty(config, key, { value: checkConfigValue(key, option, value), enumerable: true, writable: true, configurable: true });
        } catch {
          // A value of the old type does not fit the new option: it falls back to the default.
        }
      }
      // A Lucky daemon reads lucky.yaml once, when it starts: the next hook starts a fresh one on the new charm.
      for (const unit of units) await this.stopDaemon(unit);
      const added = await updateModel(this.dir, async (latest) => {
        const target = latest.applications[app];
        if (!target) throw new SimulatorError(`Application ${app} does not exist.`);
        target.charmDir = charm.dir;
        target.endpoints = charm.endpoints;
        target.extraBindings = charm.extraBindings;
        target.configOptions = charm.configOptions;
        target.config = config;
        target.storage = charm.storage;
        // Like Juju, each unit gets the instances a new store, or a raised minimum, requires.
        const created: QueuedHook[] = [];
        for (const unit of units) {
          for (const [name, definition] of Object.entries(charm.storage).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
            const have = Object.values(latest.storage).filter((instance) => instance.unit === unit && instance.name === name).length;
            if (have >= definition.countMin) continue;
            const ids = createStorage(latest, this.dir, unit, name, definition.countMin - have);
            await createStorageDirectories(latest, ids);
            created.push(...ids.map((id) => storageHookEntry(unit, id, 'attached')));
          }
        }
        return created;
      });
      state.applications[app] = { charm: charm.name };
      for (const unit of units) {
        enqueue(state, hookEntry(unit, 'upgrade-charm'));
        enqueue(state, hookEntry(unit, 'config-changed'));
      }
      for (const entry of added) enqueue(state, entry);
      const peers = new Set(relationsOf(model, app).filter(isPeerRelation).map((relation) => localEndpoint(relation, app)?.name));
      for (const [endpoint, info] of Object.entries(charm.endpoints)) {
        if (info.role !== 'peers' || peers.has(endpoint)) continue;
        const key = await this.simulator.addPeerRelation(app, endpoint);
        const relation = (await readModel(this.dir)).relations[key.slice(key.lastIndexOf(':') + 1)];
        if (!relation) continue;
        for (const unit of units) enqueue(state, relationHook(relation, unit, 'created'));
        for (const unit of units) await this.enterScope(state, relation, unit);
      }
    });
  }

  /** `juju add-storage <unit> <name>=<count>`: attaches new instances of a store to a unit, then runs their `-storage-attached` hooks. */
  addStorage(unit: string, name: string, count = 1): Promise<HookOutcome[]> {
    return this.operation(async ({ state, model }) => {
      this.unit(model, state, unit);
      this.assertNoError(state, [unit]);
      for (const id of await this.simulator.addStorage(unit, name, count)) enqueue(state, storageHookEntry(unit, id, 'attached'));
    });
  }

  async status(): Promise<ModelStatus> {
    this.assertAlive();
    const [model, state] = await Promise.all([this.simulator.state(), this.loadState()]);
    const applications = Object.keys(model.applications)
      .sort()
      .map((name) => {
        const app = model.applications[name];
        const units = Object.keys(model.units)
          .filter((unit) => model.units[unit]?.application === name)
          .sort(byUnitNumber)
          .map((unit): UnitView => {
            const unitState = model.units[unit];
            const error = Object.hasOwn(state.errors, unit) ? state.errors[unit] : undefined;
            const paths = unitPaths(this.dir, unit);
            return {
              name: unit,
              application: name,
              leader: app?.leader === unit,
              workload: { status: unitState?.status.status ?? 'unknown', message: unitState?.status.message ?? '' },
              agent: error ? { status: 'error', message: failedMessage(error.hook) } : { status: 'idle', message: '' },
              address: unitState?.privateAddress ?? '',
              ports: uniquePortRanges(unitState?.openedPorts ?? {}).map(formatPortRange),
              dataDir: paths.dataDir,
              socketPath: paths.socketPath,
              storage: unitStorageIds(model, unit).flatMap((id) => {
                const instance = model.storage[id];
                return instance ? [{ id, kind: instance.kind, location: instance.location }] : [];
              }),
            };
          });
        return { name, charm: state.applications[name]?.charm ?? '', charmDir: app?.charmDir ?? '', units };
      });
    const relations = Object.values(model.relations)
      .sort((x, y) => x.id - y.id)
      .map((relation) => {
        const [first] = relation.endpoints;
        const info = first ? model.applications[first.application]?.endpoints?.[first.name] : undefined;
        return {
          id: relation.id,
          endpoints: relation.endpoints.map((endpoint) => `${endpoint.application}:${endpoint.name}`),
          interface: info?.interface ?? '',
          peer: isPeerRelation(relation),
        };
      });
    return { name: model.name, applications, relations };
  }

  /** Recorded hook runs (with environment and output), oldest first. */
  hookLog(unit?: string): Promise<HookRun[]> {
    this.assertAlive();
    return this.simulator.hookLog(unit);
  }

  /** What reaches a unit's daemon from outside a hook, e.g. `lucky kv get`. Works for removed units too (their data dir stays). */
  unitEnv(unit: string): Record<string, string> {
    if (!isValidUnit(unit)) throw new SimulatorError(`Invalid unit name ${JSON.stringify(unit)}: expected <application>/<number>.`);
    const paths = unitPaths(this.dir, unit);
    return {
      LUCKY_DATA_DIR: paths.dataDir,
      LUCKY_DAEMON_SOCKET: paths.socketPath,
      JUJU_UNIT_NAME: unit,
      PATH: [...this.path, process.env.PATH ?? ''].join(':'),
    };
  }

  /**
   * Stops every unit's daemon (`lucky daemon stop`) and removes the model directory.
   * When a daemon cannot be stopped the directory is kept and the error says which.
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
        const results = await Promise.allSettled([...units].sort(byUnitNumber).map((unit) => this.stopDaemon(unit)));
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
    return withFileLock(
      runnerLockPath(this.dir),
      async () => {
        const state = await this.loadState();
        const model = await this.simulator.state();
        await prepare({ state, model });
        await writeRunnerState(this.dir, state);
        return this.settle(state);
      },
      // An operation runs hooks for a long time; only a dead holder's lock is stale.
      { timeoutMs: LOCK_TIMEOUT_MS, staleMs: Number.MAX_SAFE_INTEGER },
    );
  }

  private async settle(state: RunnerState): Promise<HookOutcome[]> {
    const outcomes: HookOutcome[] = [];
    for (;;) {
      const index = nextRunnable(state);
      const entry = state.queue[index];
      if (index === -1 || !entry) return outcomes;
      if (entry.kind === 'remove-unit') {
        state.queue.splice(index, 1);
        await this.finishUnitRemoval(state, entry.unit);
      } else if (entry.kind === 'remove-relation') {
        state.queue.splice(index, 1);
        await updateModel(this.dir, (model) => {
          delete model.relations[String(entry.relationId)];
        });
        state.dyingRelations = state.dyingRelations.filter((id) => id !== entry.relationId);
        dropRelationEntries(state, entry.relationId);
      } else {
        if (outcomes.length >= state.maxHooksPerOperation) {
          await writeRunnerState(this.dir, state);
          const last = outcomes.slice(-6).map((outcome) => `${outcome.unit} ${outcome.hook}`).join(', ');
          throw new SimulatorError(
            `Stopped after ${outcomes.length} hooks in one operation without the model settling; the charms seem to trigger each other endlessly (last: ${last}; next: ${describeEntry(entry)}). The remaining hooks stay queued.`,
          );
        }
        outcomes.push(await this.runEntry(state, index, entry));
      }
      await writeRunnerState(this.dir, state);
    }
  }

  private async runEntry(state: RunnerState, index: number, entry: QueuedHook): Promise<HookOutcome> {
    const before = await readModel(this.dir);
    const paths = unitPaths(this.dir, entry.unit);
    await mkdir(join(paths.dataDir, '..'), { recursive: true });
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
    const listener = this.listener;
    listener?.hookStarted?.(entry.unit, entry.hook);
    const result: HookResult = await this.simulator.runHook(entry.unit, entry.hook, {
      ...relation,
      ...storage,
      extraEnv: {
        LUCKY_DATA_DIR: paths.dataDir,
        LUCKY_DAEMON_SOCKET: paths.socketPath,
        PATH: [this.simulator.toolsDir, ...this.path, process.env.PATH ?? ''].join(':'),
      },
      onStdout: (chunk) => listener?.output?.(entry.unit, entry.hook, 'stdout', chunk),
      onStderr: (chunk) => listener?.output?.(entry.unit, entry.hook, 'stderr', chunk),
    });
    const after = await readModel(this.dir);
    if (result.exitCode === 0) {
      state.queue.splice(index, 1);
    } else {
      // The entry stays at the head of the unit's queue: resolved runs it again.
      state.errors[entry.unit] = { hook: entry.hook };
      await updateModel(this.dir, (model) => {
        model.units[entry.unit]?.statusHistory.push({ status: 'error', message: failedMessage(entry.hook) });
      });
    }
    for (const hook of triggeredHooks(entry.unit, before, after, state.dyingUnits, state.dyingRelations)) enqueue(state, hook);
    const outcome: HookOutcome = { unit: entry.unit, hook: entry.hook, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    listener?.hookFinished?.(outcome);
    return outcome;
  }

  /**
   * After a removed unit's `remove` hook: it leaves the model with its storage
   * (whose directories stay on disk, as Juju keeps detached storage), leadership moves
   * on, its daemon stops.
   */
  private async finishUnitRemoval(state: RunnerState, unit: string): Promise<void> {
    const app = unitApplication(unit);
    const newLeader = await updateModel(this.dir, (model) => {
      delete model.units[unit];
      for (const id of unitStorageIds(model, unit)) delete model.storage[id];
      for (const relation of Object.values(model.relations)) {
        relation.joined = relation.joined.filter((name) => name !== unit);
        delete relation.unitData[unit];
      }
      const application = model.applications[app];
      if (!application || application.leader !== unit) return null;
      // Like Juju, any live unit may win; prefer the lowest-numbered unit that is not in error.
      const candidates = unitsOf(model, app, state).filter((name) => name !== unit);
      const leader = candidates.find((name) => !Object.hasOwn(state.errors, name)) ?? candidates[0] ?? null;
      application.leader = leader;
      return leader;
    });
    state.dyingUnits = state.dyingUnits.filter((name) => name !== unit);
    delete state.errors[unit];
    dropUnitEntries(state, unit);
    if (newLeader !== null) enqueue(state, hookEntry(newLeader, 'leader-elected'));
    // Saved first: should the daemon refuse to stop, the unit is still gone and the queue goes on next time.
    await writeRunnerState(this.dir, state);
    await this.stopDaemon(unit);
  }

  private async stopDaemon(unit: string): Promise<void> {
    await stopUnitDaemon(unit, unitPaths(this.dir, unit).socketPath, this.unitEnv(unit));
  }

  /** Creates `count` units (with their storage) and queues their install sequence and relation joins. */
  private async addUnits(state: RunnerState, app: string, count: number): Promise<void> {
    const added: string[] = [];
    for (let i = 0; i < count; i++) added.push(await this.simulator.addUnit(app));
    const model = await readModel(this.dir);
    const leader = model.applications[app]?.leader;
    const relations = this.liveRelations(model, state, app);
    for (const unit of added) {
      // Machine charms: storage is attached before install.
      for (const id of unitStorageIds(model, unit)) enqueue(state, storageHookEntry(unit, id, 'attached'));
      enqueue(state, hookEntry(unit, 'install'));
      for (const relation of relations) enqueue(state, relationHook(relation, unit, 'created'));
      enqueue(state, hookEntry(unit, unit === leader ? 'leader-elected' : 'leader-settings-changed'));
      enqueue(state, hookEntry(unit, 'config-changed'));
      enqueue(state, hookEntry(unit, 'start'));
    }
    for (const relation of relations) {
      for (const unit of added) await this.enterScope(state, relation, unit);
    }
  }

  /** `unit` enters a relation's scope: -joined then -changed on both sides with every unit already in it. */
  private async enterScope(state: RunnerState, relation: RelationState, unit: string): Promise<void> {
    for (const other of scopePeers(relation, unit)) this.queueJoin(state, relation, unit, other);
    await this.simulator.joinUnit(relation.id, unit);
    relation.joined.push(unit);
  }

  private queueJoin(state: RunnerState, relation: RelationState, x: string, y: string): void {
    enqueue(state, relationHook(relation, x, 'joined', { unit: y }));
    enqueue(state, relationHook(relation, x, 'changed', { unit: y }));
    enqueue(state, relationHook(relation, y, 'joined', { unit: x }));
    enqueue(state, relationHook(relation, y, 'changed', { unit: x }));
  }

  private liveRelations(model: ModelState, state: RunnerState, app: string): RelationState[] {
    return relationsOf(model, app)
      .filter((relation) => !state.dyingRelations.includes(relation.id))
      .sort((x, y) => x.id - y.id);
  }

  private application(model: ModelState, app: string) {
    const state = Object.hasOwn(model.applications, app) ? model.applications[app] : undefined;
    if (!state) throw new SimulatorError(`Application ${app} does not exist (applications: ${Object.keys(model.applications).sort().join(', ') || 'none'}).`);
    return state;
  }

  private unit(model: ModelState, state: RunnerState, unit: string): void {
    if (!Object.hasOwn(model.units, unit)) {
      const app = unitApplication(unit);
      const known = Object.hasOwn(model.applications, app) ? Object.keys(model.units).filter((name) => unitApplication(name) === app).sort(byUnitNumber) : [];
      throw new SimulatorError(`Unit ${unit} does not exist${known.length > 0 ? ` (units of ${app}: ${known.join(', ')})` : ''}.`);
    }
    if (state.dyingUnits.includes(unit)) throw new SimulatorError(`Unit ${unit} is being removed.`);
  }

  private assertNoError(state: RunnerState, units: readonly string[]): void {
    for (const unit of units) {
      const error = Object.hasOwn(state.errors, unit) ? state.errors[unit] : undefined;
      if (error) throw new SimulatorError(`Unit ${unit} is in error (${failedMessage(error.hook)}); resolve it first.`);
    }
  }
}
