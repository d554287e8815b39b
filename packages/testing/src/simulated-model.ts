import { SimulatorError } from './errors.js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkConfigValue, readCharmInfo, toConfigOption, type ConfigOptionInput } from './charm-metadata.js';
import {
  closeHookContext,
  openHookContext,
  runHookProcess,
  type HookContextHandle,
  type HookContextOptions,
  type HookResult,
  type RunHookOptions,
} from './hook-runner.js';
import { isValidApplication, unitApplication } from './model/names.js';
import { formatPortRange, uniquePortRanges } from './model/ports.js';
import { setOwn } from './model/records.js';
import { applicationUnits, applyEdit, autoUnitSettings, localEndpoint, relationKey } from './model/relations.js';
import {
  MODEL_FORMAT,
  type ConfigOption,
  type ConfigValue,
  type HookRun,
  type LogEntry,
  type ModelState,
  type RelationState,
  type StatusEntry,
} from './model/schema.js';
import { endpointInfo } from './model/scope.js';
import { checkStorageAdditions, createStorage, createStorageDirectories, createUnitStorage } from './model/storage.js';
import { MODEL_DIR_MODE, modelPaths, readHookRuns, readLogs, updateModel, withModelLock, writeModel } from './model/store.js';
import { INSTALLING_STATUS } from './model/unit-status.js';
import { validateModelState } from './model/validate.js';
import { writeToolScripts } from './tool-scripts.js';

export interface ApplicationOptions {
  /** The charm: hooks run its `dispatch` (or `hooks/<name>`), with this as cwd. */
  readonly charmDir: string;
  /** Number of units; the first is the leader. Default 1. */
  readonly units?: number;
  /** Initial `juju config` values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Config options; read from the charm's config.yaml (or charmcraft.yaml) when omitted. */
  readonly configOptions?: Readonly<Record<string, ConfigOptionInput>>;
  /** Resource name → file path, as returned by `resource-get`. */
  readonly resources?: Readonly<Record<string, string>>;
  /** `juju deploy --trust`: the charm may read the cloud credential with `credential-get`. Default false. */
  readonly trust?: boolean;
}

export interface RelationData {
  readonly app: Record<string, Record<string, string>>;
  readonly units: Record<string, Record<string, string>>;
}

export interface SimulatedModel {
  readonly dir: string;
  /** The generated hook-tool executables; put first on PATH for a hook. */
  readonly toolsDir: string;
  /** Deploys an application; each unit gets its own loopback address 127.0.1.N and the minimum number of instances of each store. */
  addApplication(name: string, options: ApplicationOptions): Promise<void>;
  /** Adds a unit to an application (with its storage) and returns its name; a subordinate application's unit needs the principal unit whose machine it shares. */
  addUnit(app: string, options?: { readonly principal?: string }): Promise<string>;
  /** `juju add-storage <unit> <name>=<count>`: attaches new instances of a store to a unit (no hook runs); returns their ids. */
  addStorage(unit: string, name: string, count?: number): Promise<string[]>;
  /** Relates `app:endpoint` to `app:endpoint` (the same one twice for a peer relation); returns `endpoint:id` as seen from `a`. */
  addRelation(a: string, b: string): Promise<string>;
  addPeerRelation(app: string, endpoint: string): Promise<string>;
  /** Marks a unit as having entered the relation (it then shows in `relation-list`). */
  joinUnit(relationId: number, unit: string): Promise<void>;
  /** Marks a unit as having left the relation; its data stays readable. */
  departUnit(relationId: number, unit: string): Promise<void>;
  /** Writes into a unit's or application's bag as that side's committed relation-set would ('' deletes a key). */
  setRelationData(relationId: number, unitOrApp: string, data: Readonly<Record<string, string>>): Promise<void>;
  setLeader(app: string, unit: string): Promise<void>;
  /** `juju trust <app>` (or `--remove`): whether the charm may read the cloud credential (`credential-get`). */
  setTrust(app: string, trust: boolean): Promise<void>;
  /** `juju config app k=v`; a null value resets the option to its default. */
  setConfig(app: string, values: Readonly<Record<string, unknown>>): Promise<void>;
  /** The committed model. */
  state(): Promise<ModelState>;
  relationData(relationId: number): Promise<RelationData>;
  unitStatus(unit: string): Promise<StatusEntry>;
  statusHistory(unit: string): Promise<StatusEntry[]>;
  applicationStatus(app: string): Promise<StatusEntry>;
  /** juju-log lines of a unit, in order. */
  logs(unit: string): Promise<LogEntry[]>;
  /** Committed open ports, as `opened-ports` prints them (`80/tcp`, `1000-2000/udp`, `icmp`). */
  openedPorts(unit: string): Promise<string[]>;
  /** Runs one hook through the charm's real `dispatch` or `hooks/<hook>`. */
  runHook(unit: string, hook: string, options?: RunHookOptions): Promise<HookResult>;
  /** Recorded hook runs, oldest first, optionally of one unit. */
  hookLog(unit?: string): Promise<HookRun[]>;
  /** Opens a hook context without running anything, so a test can call tools with its env. */
  openContext(unit: string, hook: string, options?: HookContextOptions): Promise<HookContextHandle>;
}

/** Creates a model in `dir` (or opens the model already there). */
export async function createSimulatedModel(dir: string, init: { readonly name?: string } = {}): Promise<SimulatedModel> {
  const root = resolve(dir);
  const paths = modelPaths(root);
  await mkdir(paths.contexts, { recursive: true, mode: MODEL_DIR_MODE });
  await mkdir(paths.logs, { recursive: true, mode: MODEL_DIR_MODE });
  const created = await withModelLock(root, async () => {
    if (
      await readFile(paths.model, 'utf8').then(
        () => true,
        () => false,
      )
    )
      return false;
    const model: ModelState = {
      format: MODEL_FORMAT,
      name: init.name ?? 'test-model',
      uuid: randomUUID(),
      counters: { relation: 0, machine: 0, address: 0, storage: 0 },
      applications: {},
      units: {},
      relations: {},
      storage: {},
      clock: new Date().toISOString(),
    };
    await writeModel(root, model);
    return true;
  });
  if (!created) return openSimulatedModel(root);
  await writeToolScripts(paths.tools);
  return new LocalModel(root);
}

/** Opens an existing model directory, validating its model.json and regenerating its tools. */
export async function openSimulatedModel(dir: string): Promise<SimulatedModel> {
  const root = resolve(dir);
  const paths = modelPaths(root);
  let text: string;
  try {
    text = await readFile(paths.model, 'utf8');
  } catch (error) {
    throw new SimulatorError(`${root} is not a simulated model: ${paths.model} cannot be read.`, { cause: error });
  }
  const data: unknown = JSON.parse(text);
  if (addStorageFields(data)) {
    await withModelLock(root, async () => {
      const latest: unknown = JSON.parse(await readFile(paths.model, 'utf8'));
      if (addStorageFields(latest)) await writeModel(root, validateModelState(latest, paths.model));
    });
  } else {
    validateModelState(data, paths.model);
  }
  await mkdir(paths.contexts, { recursive: true, mode: MODEL_DIR_MODE });
  await mkdir(paths.logs, { recursive: true, mode: MODEL_DIR_MODE });
  await writeToolScripts(paths.tools);
  return new LocalModel(root);
}

/**
 * Models saved before storage was simulated lack its fields: they get an empty
 * storage state (their charms' stores are read again on upgrade). Returns whether
 * `data` was changed.
 */
function addStorageFields(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || 'storage' in data) return false;
  const model = data as { storage?: unknown; counters?: Record<string, unknown>; applications?: Record<string, Record<string, unknown>> };
  model.storage = {};
  if (typeof model.counters === 'object' && model.counters !== null) model.counters.storage ??= 0;
  for (const app of Object.values(model.applications ?? {})) {
    if (typeof app === 'object' && app !== null) app.storage ??= {};
  }
  return true;
}

function loopbackAddress(n: number): string {
  return `127.0.${1 + Math.floor((n - 1) / 254)}.${1 + ((n - 1) % 254)}`;
}

function parseEndpoint(spec: string): { application: string; name: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) throw new SimulatorError(`Expected "application:endpoint", got ${JSON.stringify(spec)}.`);
  return { application: spec.slice(0, colon), name: spec.slice(colon + 1) };
}

class LocalModel implements SimulatedModel {
  readonly dir: string;
  readonly toolsDir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.toolsDir = modelPaths(dir).tools;
  }

  async addApplication(name: string, options: ApplicationOptions): Promise<void> {
    if (!isValidApplication(name)) throw new SimulatorError(`Invalid application name ${JSON.stringify(name)}.`);
    const charmDir = resolve(options.charmDir);
    const charm = await readCharmInfo(charmDir);
    let configOptions: Record<string, ConfigOption> = charm.configOptions ?? {};
    if (options.configOptions) {
      configOptions = {};
      for (const [key, input] of Object.entries(options.configOptions)) configOptions[key] = toConfigOption(key, input, 'configOptions');
    }
    const config = checkConfig(configOptions, options.config ?? {}, {});
    const resources: Record<string, string> = {};
    for (const [key, path] of Object.entries(options.resources ?? {})) setOwn(resources, key, resolve(path));
    // A subordinate's units come with its principal's (juju deploy refuses -n for one).
    const count = options.units ?? (charm.subordinate ? 0 : 1);
    if (!Number.isInteger(count) || count < 0) throw new SimulatorError(`units must be a whole number, got ${count}.`);
    if (charm.subordinate && count > 0)
      throw new SimulatorError(`cannot use --num-units or --to with subordinate application (${name}): its units come with the principal units it relates to.`);
    await updateModel(this.dir, async (model) => {
      if (model.applications[name]) throw new SimulatorError(`Application ${name} already exists.`);
      model.applications[name] = {
        charmDir,
        endpoints: charm.endpoints,
        extraBindings: charm.extraBindings,
        storage: charm.storage,
        configOptions,
        config,
        resources,
        leader: null,
        leaderSettings: {},
        ...(options.trust ? { trust: true } : {}),
        ...(charm.subordinate ? { subordinate: true as const } : {}),
        status: { status: 'unknown', message: '' },
        statusSince: new Date().toISOString(),
        statusHistory: [],
        nextUnit: 0,
      };
      for (let i = 0; i < count; i++) await addUnitTo(model, this.dir, name);
    });
  }

  async addUnit(app: string, options: { readonly principal?: string } = {}): Promise<string> {
    return updateModel(this.dir, (model) => {
      const state = model.applications[app];
      if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
      const principal = options.principal;
      // Juju's addUnitOpsWithCons.
      if (state.subordinate && principal === undefined) throw new SimulatorError(`cannot add unit to application "${app}": application is a subordinate`);
      if (!state.subordinate && principal !== undefined) throw new SimulatorError(`cannot add unit to application "${app}": application is not a subordinate`);
      if (principal !== undefined) {
        const host = model.units[principal];
        if (!host || host.principal !== undefined) throw new SimulatorError(`a subordinate unit must be added to a principal unit; ${principal} is not one.`);
        return addUnitTo(model, this.dir, app, principal);
      }
      return addUnitTo(model, this.dir, app);
    });
  }

  async addStorage(unit: string, name: string, count = 1): Promise<string[]> {
    if (!Number.isSafeInteger(count) || count < 1) throw new SimulatorError(`The storage count must be a whole number of at least 1, got ${count}.`);
    return updateModel(this.dir, async (model) => {
      unitOf(model, unit);
      const refused = checkStorageAdditions(model, unit, [{ name, count }]);
      if (refused !== null) throw new SimulatorError(`Cannot add storage: ${refused}.`);
      const ids = createStorage(model, this.dir, unit, name, count);
      await createStorageDirectories(model, ids);
      return ids;
    });
  }

  async addRelation(a: string, b: string): Promise<string> {
    const first = parseEndpoint(a);
    const second = parseEndpoint(b);
    const peer = first.application === second.application;
    if (peer && first.name !== second.name) throw new SimulatorError(`An application can only relate to itself through a peer endpoint: got ${a} and ${b}.`);
    return updateModel(this.dir, (model) => {
      for (const endpoint of peer ? [first] : [first, second]) {
        const app = model.applications[endpoint.application];
        if (!app) throw new SimulatorError(`Application ${endpoint.application} does not exist.`);
        // Every charm also has the implicit juju-info provides endpoint.
        const declared = endpointInfo(model, endpoint.application, endpoint.name);
        if (app.endpoints && !declared) throw new SimulatorError(`The charm of ${endpoint.application} has no endpoint "${endpoint.name}".`);
        if (declared && (declared.role === 'peers') !== peer) {
          throw new SimulatorError(`"${endpoint.application}:${endpoint.name}" is ${peer ? 'not a peer endpoint' : 'a peer endpoint'}.`);
        }
      }
      const endpoints = peer ? [first] : [first, second];
      const duplicate = Object.values(model.relations).some(
        (relation) =>
          relation.endpoints.length === endpoints.length &&
          endpoints.every((e) => relation.endpoints.some((r) => r.application === e.application && r.name === e.name)),
      );
      if (duplicate) throw new SimulatorError(`Relation ${a} ${b} already exists.`);
      const relation: RelationState = { id: model.counters.relation++, endpoints, joined: [], appData: {}, unitData: {}, since: new Date().toISOString() };
      for (const endpoint of endpoints) {
        relation.appData[endpoint.application] = {};
        for (const unit of applicationUnits(model, endpoint.application)) {
          const state = model.units[unit];
          if (state) relation.unitData[unit] = autoUnitSettings(state);
        }
      }
      model.relations[String(relation.id)] = relation;
      return relationKey(relation, first.application);
    });
  }

  addPeerRelation(app: string, endpoint: string): Promise<string> {
    return this.addRelation(`${app}:${endpoint}`, `${app}:${endpoint}`);
  }

  async joinUnit(relationId: number, unit: string): Promise<void> {
    await updateModel(this.dir, (model) => {
      const relation = relationOf(model, relationId);
      const state = model.units[unit];
      if (!state || !localEndpoint(relation, state.application)) throw new SimulatorError(`${unit} is not a unit of an application in relation ${relationId}.`);
      if (!relation.joined.includes(unit)) relation.joined.push(unit);
      relation.unitData[unit] ??= autoUnitSettings(state);
    });
  }

  async departUnit(relationId: number, unit: string): Promise<void> {
    await updateModel(this.dir, (model) => {
      const relation = relationOf(model, relationId);
      relation.joined = relation.joined.filter((name) => name !== unit);
    });
  }

  async setRelationData(relationId: number, unitOrApp: string, data: Readonly<Record<string, string>>): Promise<void> {
    await updateModel(this.dir, (model) => {
      const relation = relationOf(model, relationId);
      const isUnit = unitOrApp.includes('/');
      if (!localEndpoint(relation, unitApplication(unitOrApp)) || (isUnit && !model.units[unitOrApp])) {
        throw new SimulatorError(`${unitOrApp} is not in relation ${relationId}.`);
      }
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== 'string') throw new SimulatorError(`Relation data values are strings; ${key} is ${JSON.stringify(value)}.`);
      }
      const edit = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value === '' ? null : value]));
      if (isUnit) relation.unitData[unitOrApp] = applyEdit(relation.unitData[unitOrApp], edit);
      else relation.appData[unitOrApp] = applyEdit(relation.appData[unitOrApp], edit);
    });
  }

  async setLeader(app: string, unit: string): Promise<void> {
    await updateModel(this.dir, (model) => {
      const state = model.applications[app];
      if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
      if (model.units[unit]?.application !== app) throw new SimulatorError(`${unit} is not a unit of ${app}.`);
      state.leader = unit;
    });
  }

  async setTrust(app: string, trust: boolean): Promise<void> {
    await updateModel(this.dir, (model) => {
      const state = model.applications[app];
      if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
      state.trust = trust;
    });
  }

  async setConfig(app: string, values: Readonly<Record<string, unknown>>): Promise<void> {
    await updateModel(this.dir, (model) => {
      const state = model.applications[app];
      if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
      state.config = checkConfig(state.configOptions, values, state.config);
    });
  }

  async state(): Promise<ModelState> {
    return validateModelState(JSON.parse(readFileSync(modelPaths(this.dir).model, 'utf8')), modelPaths(this.dir).model);
  }

  async relationData(relationId: number): Promise<RelationData> {
    const relation = relationOf(await this.state(), relationId);
    return { app: relation.appData, units: relation.unitData };
  }

  async unitStatus(unit: string): Promise<StatusEntry> {
    return unitOf(await this.state(), unit).status;
  }

  async statusHistory(unit: string): Promise<StatusEntry[]> {
    return unitOf(await this.state(), unit).statusHistory;
  }

  async applicationStatus(app: string): Promise<StatusEntry> {
    const state = (await this.state()).applications[app];
    if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
    return state.status;
  }

  async logs(unit: string): Promise<LogEntry[]> {
    return readLogs(this.dir, unit);
  }

  async openedPorts(unit: string): Promise<string[]> {
    return uniquePortRanges(unitOf(await this.state(), unit).openedPorts).map(formatPortRange);
  }

  runHook(unit: string, hook: string, options: RunHookOptions = {}): Promise<HookResult> {
    return runHookProcess(this.dir, unit, hook, options);
  }

  async hookLog(unit?: string): Promise<HookRun[]> {
    const runs = await readHookRuns(this.dir);
    return unit === undefined ? runs : runs.filter((run) => run.unit === unit);
  }

  async openContext(unit: string, hook: string, options: HookContextOptions = {}): Promise<HookContextHandle> {
    const { context, env } = await openHookContext(this.dir, unit, hook, options);
    const dir = this.dir;
    return {
      env,
      contextId: context.id,
      close: (commit: boolean) => closeHookContext(dir, context.id, commit),
    };
  }
}

async function addUnitTo(model: ModelState, modelDir: string, app: string, principal?: string): Promise<string> {
  const state = model.applications[app];
  if (!state) throw new SimulatorError(`Application ${app} does not exist.`);
  const unit = `${app}/${state.nextUnit++}`;
  // A subordinate runs on its principal's machine, with its addresses.
  const host = principal === undefined ? undefined : model.units[principal];
  const address = host ? host.privateAddress : loopbackAddress(++model.counters.address);
  model.units[unit] = {
    application: app,
    machineId: host ? host.machineId : String(model.counters.machine++),
    privateAddress: address,
    publicAddress: host ? host.publicAddress : address,
    ...(principal !== undefined ? { principal } : {}),
    // What Juju 3 shows until the charm sets a status (see settleStartStatus for after start).
    status: { ...INSTALLING_STATUS },
    statusSince: new Date().toISOString(),
    statusHistory: [],
    workloadVersion: '',
    openedPorts: {},
  };
  state.leader ??= unit;
  // A new unit of a related application gets its bag in every existing relation.
  for (const relation of Object.values(model.relations)) {
    const unitState = model.units[unit];
    if (unitState && localEndpoint(relation, app)) relation.unitData[unit] = autoUnitSettings(unitState);
  }
  // Juju creates a unit's storage with the unit, before any of its hooks.
  await createStorageDirectories(model, createUnitStorage(model, modelDir, unit));
  return unit;
}

function checkConfig(
  options: Readonly<Record<string, ConfigOption>>,
  values: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, ConfigValue>>,
): Record<string, ConfigValue> {
  const result = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(values)) {
    const option = Object.hasOwn(options, key) ? options[key] : undefined;
    if (!option) throw new SimulatorError(`Unknown config option ${JSON.stringify(key)}; the charm declares: ${Object.keys(options).join(', ') || '(none)'}.`);
    if (value === null || value === undefined) result.delete(key);
    else result.set(key, checkConfigValue(key, option, value));
  }
  return Object.fromEntries(result);
}

function relationOf(model: ModelState, relationId: number): RelationState {
  const relation = model.relations[String(relationId)];
  if (!relation) throw new SimulatorError(`Relation ${relationId} does not exist.`);
  return relation;
}

function unitOf(model: ModelState, unit: string) {
  const state = model.units[unit];
  if (!state) throw new SimulatorError(`Unit ${unit} does not exist (application ${unitApplication(unit)}).`);
  return state;
}
