/** `deploy`, `addUnit` and `removeUnit`: units entering and leaving the model, with the hooks Juju runs for each. */
import { SimulatorError } from '../../errors.js';
import { isValidApplication, unitApplication } from '../../model/names.js';
import { isPeerRelation } from '../../model/relations.js';
import type { ConfigValue } from '../../model/schema.js';
import { unitStorageIds } from '../../model/storage.js';
import { readModel, updateModel } from '../../model/store.js';
import { markDying } from '../../model/unit-status.js';
import { readCharm } from '../charm.js';
import { coerceConfig } from '../config.js';
import type { ModelContext, Operation } from '../context.js';
import { liveRelations, liveUnits } from '../live.js';
import { enqueue, hookEntry, storageHookEntry } from '../queue.js';
import type { QueuedHook, RunnerState } from '../state.js';
import type { DeployOptions } from '../types.js';
import { assertNoError, requireApplication, requireUnit } from './checks.js';
import { enterScope, relationHook, scopePeers } from './relations.js';
import { addMissingSubordinates, refuseKubernetesSubordinate, subordinateUnitCount } from './subordinates.js';
import { participates, subordinatesOf } from '../../model/scope.js';
import { byUnitNumber } from '../diff.js';
import { isKubernetesApplication, prepareKubernetesDeploy, recordContainers, startKubernetesUnits } from '../../kubernetes/deploy.js';

export async function deploy(context: ModelContext, { state, model }: Operation, charmDir: string, options: DeployOptions): Promise<void> {
  const charm = await readCharm(charmDir);
  const name = options.name ?? charm.name;
  if (!isValidApplication(name)) {
    throw new SimulatorError(`Invalid application name ${JSON.stringify(name)}: use lowercase letters, digits and "-", starting with a letter.`);
  }
  if (Object.hasOwn(model.applications, name)) throw new SimulatorError(`Application ${name} already exists.`);
  const units = subordinateUnitCount(charm, name, options.units) ?? options.units ?? 1;
  if (!charm.subordinate && (!Number.isSafeInteger(units) || units < 1)) {
    throw new SimulatorError(`The number of units must be a whole number of at least 1, got ${units}.`);
  }
  const config: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(coerceConfig(name, charm.configOptions, options.config ?? {}))) {
    if (value !== null) Object.defineProperty(config, key, { value, enumerable: true, writable: true, configurable: true });
  }
  for (const [key, path] of Object.entries(options.resources ?? {})) {
    if (typeof path !== 'string' || path === '') throw new SimulatorError(`Resource "${key}" needs a file path (an image for an oci-image resource).`);
  }
  // Kubernetes charms (metadata `containers:`): oci-image resources are images.
  if (charm.subordinate) await refuseKubernetesSubordinate(charm.dir, name);
  const kubernetes = await prepareKubernetesDeploy(context.dir, charm.dir, name, options.resources ?? {});
  await context.simulator.addApplication(name, {
    charmDir: charm.dir,
    units: 0,
    config,
    resources: kubernetes.resources,
    ...(options.trust ? { trust: true } : {}),
  });
  if (kubernetes.containers) await recordContainers(context.dir, name, kubernetes.containers);
  state.applications[name] = { charm: charm.name };
  for (const [endpoint, info] of Object.entries(charm.endpoints)) {
    if (info.role === 'peers') await context.simulator.addPeerRelation(name, endpoint);
  }
  if (units > 0) await addUnits(context, state, name, units);
}

export async function addUnit(context: ModelContext, { state, model }: Operation, app: string, count: number): Promise<void> {
  // Juju's addUnitOpsWithCons: a subordinate's units come with its principal's.
  if (requireApplication(model, app).subordinate) throw new SimulatorError(`cannot add unit to application "${app}": application is a subordinate`);
  if (!Number.isSafeInteger(count) || count < 1) throw new SimulatorError(`The number of units must be a whole number of at least 1, got ${count}.`);
  const involved = liveUnits(model, app, state);
  for (const relation of liveRelations(model, state, app)) involved.push(...relation.joined);
  assertNoError(state, involved);
  await addUnits(context, state, app, count);
}

/**
 * `juju remove-unit`: refused for a subordinate unit (it goes with its relation to its
 * principal, or with its principal). A principal's subordinates go first, then the unit.
 * `subordinate: true` is the removal of a subordinate that its principal or relation takes along.
 */
export async function removeUnit(context: ModelContext, operation: Operation, unit: string, options: { readonly subordinate?: boolean } = {}): Promise<void> {
  const { state, model } = operation;
  requireUnit(model, state, unit);
  const principal = model.units[unit]?.principal;
  if (principal !== undefined && !options.subordinate) {
    // Juju's DestroyUnit refusal, word for word.
    throw new SimulatorError(`unit "${unit}" is a subordinate, to remove use remove-relation. Note: this will remove all units of "${unitApplication(unit)}"`);
  }
  const subordinates = subordinatesOf(model, unit)
    .filter((sub) => !state.dyingUnits.includes(sub))
    .sort(byUnitNumber);
  const app = unitApplication(unit);
  const relations = liveRelations(model, state, app).filter((relation) => participates(model, relation, unit));
  assertNoError(state, [unit, ...subordinates, ...relations.flatMap((relation) => scopePeers(model, relation, unit))]);
  for (const sub of subordinates) await removeUnit(context, operation, sub, { subordinate: true });
  state.dyingUnits.push(unit);
  await updateModel(context.dir, (current) => markDying(current, unit));
  const remoteSide: QueuedHook[] = [];
  const ownSide: QueuedHook[] = [];
  for (const relation of relations) {
    const others = scopePeers(model, relation, unit);
    if (relation.joined.includes(unit)) await context.simulator.departUnit(relation.id, unit);
    // The snapshot follows, so a principal removed after its subordinates no longer sees them.
    relation.joined = relation.joined.filter((name) => name !== unit);
    for (const other of others) remoteSide.push(relationHook(relation, other, 'departed', { unit, departing: unit }));
    for (const other of others) ownSide.push(relationHook(relation, unit, 'departed', { unit: other, departing: unit }));
    if (!isPeerRelation(relation)) ownSide.push(relationHook(relation, unit, 'broken'));
  }
  for (const entry of [...remoteSide, ...ownSide]) enqueue(state, entry);
  enqueue(state, hookEntry(unit, 'stop'));
  for (const id of unitStorageIds(model, unit)) enqueue(state, storageHookEntry(unit, id, 'detaching'));
  enqueue(state, hookEntry(unit, 'remove'));
  // The unit leaves the model only once the hooks above have run (see the hook queue); a principal only after its subordinates.
  enqueue(state, { kind: 'remove-unit', unit, ...(principal !== undefined ? { principal } : {}) });
}

/**
 * Creates `count` units (with their storage), or for a subordinate one unit in each of
 * `principals`' containers, and queues their install sequence and relation joins; then
 * new principal units get their subordinates.
 */
export async function addUnits(context: ModelContext, state: RunnerState, app: string, count: number, principals?: readonly string[]): Promise<string[]> {
  const added: string[] = [];
  if (principals) for (const principal of principals) added.push(await context.simulator.addUnit(app, { principal }));
  else for (let i = 0; i < count; i++) added.push(await context.simulator.addUnit(app));
  const model = await readModel(context.dir);
  const leader = model.applications[app]?.leader;
  const relations = liveRelations(model, state, app);
  const kubernetes = isKubernetesApplication(model, app);
  for (const unit of added) {
    // Machine charms: storage is attached before install (Kubernetes: after start, see startKubernetesUnits).
    if (!kubernetes) for (const id of unitStorageIds(model, unit)) enqueue(state, storageHookEntry(unit, id, 'attached'));
    enqueue(state, hookEntry(unit, 'install'));
    for (const relation of relations) if (participates(model, relation, unit)) enqueue(state, relationHook(relation, unit, 'created'));
    enqueue(state, hookEntry(unit, unit === leader ? 'leader-elected' : 'leader-settings-changed'));
    enqueue(state, hookEntry(unit, 'config-changed'));
    enqueue(state, hookEntry(unit, 'start'));
  }
  if (kubernetes) await startKubernetesUnits(context.dir, state, added);
  for (const relation of relations) {
    for (const unit of added) if (participates(model, relation, unit)) await enterScope(context, state, model, relation, unit);
  }
  // Juju creates a principal's subordinate units when it enters their container-scoped relations.
  for (const relation of relations) await addMissingSubordinates(context, state, relation);
  return added;
}
