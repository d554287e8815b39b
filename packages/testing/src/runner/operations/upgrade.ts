/**
 * `upgrade`: `juju refresh --path` from a local charm directory. As under Juju, running
 * Lucky daemons are left alone: the `upgrade-charm` hook's `lucky dispatch` sees that
 * its daemon serves another revision of the charm and restarts it, state kept, so the
 * new lucky.yaml's entries already run in `upgrade-charm`.
 */
import { SimulatorError } from '../../errors.js';
import { checkConfigValue } from '../../charm-metadata.js';
import { isPeerRelation, localEndpoint, relationsOf } from '../../model/relations.js';
import type { ConfigValue } from '../../model/schema.js';
import { createStorage, createStorageDirectories } from '../../model/storage.js';
import { readModel, updateModel } from '../../model/store.js';
import { readCharm } from '../charm.js';
import type { ModelContext, Operation } from '../context.js';
import { liveUnits } from '../live.js';
import { enqueue, hookEntry, storageHookEntry } from '../queue.js';
import type { QueuedHook } from '../state.js';
import { storageUpgradeProblem } from '../storage.js';
import { endpointInfo, IMPLICIT_ENDPOINT } from '../../model/scope.js';
import { assertNoError, requireApplication } from './checks.js';
import { enterScope, relationHook } from './relations.js';

export async function upgrade(context: ModelContext, { state, model }: Operation, app: string, charmDir: string | undefined): Promise<void> {
  const current = requireApplication(model, app);
  const charm = await readCharm(charmDir ?? current.charmDir);
  for (const relation of relationsOf(model, app)) {
    const name = localEndpoint(relation, app)?.name ?? '';
    const before = endpointInfo(model, app, name);
    // The implicit juju-info endpoint stays unless the new charm declares its own.
    const after = Object.hasOwn(charm.endpoints, name) ? charm.endpoints[name] : name === IMPLICIT_ENDPOINT ? endpointInfo(model, '', name) : undefined;
    if (!after || after.role !== before?.role || after.interface !== before.interface) {
      throw new SimulatorError(
        `Cannot upgrade ${app}: relation ${relation.id} uses endpoint "${name}", which the new charm ${after ? 'declares differently' : 'does not declare'}.`,
      );
    }
  }
  if (charm.subordinate !== (current.subordinate === true)) {
    throw new SimulatorError(
      `Cannot upgrade ${app}: the new charm is ${charm.subordinate ? 'a subordinate' : 'not a subordinate'}, the deployed one ${charm.subordinate ? 'is not' : 'is'}; deploy it as a new application.`,
    );
  }
  const storageProblem = storageUpgradeProblem(model, app, current.storage, charm.storage);
  if (storageProblem !== null) throw new SimulatorError(`Cannot upgrade ${app}: ${storageProblem}.`);
  const units = liveUnits(model, app, state);
  assertNoError(state, units);
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
  const added = await updateModel(context.dir, async (latest) => {
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
        const ids = createStorage(latest, context.dir, unit, name, definition.countMin - have);
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
  const peers = new Set(
    relationsOf(model, app)
      .filter(isPeerRelation)
      .map((relation) => localEndpoint(relation, app)?.name),
  );
  for (const [endpoint, info] of Object.entries(charm.endpoints)) {
    if (info.role !== 'peers' || peers.has(endpoint)) continue;
    const key = await context.simulator.addPeerRelation(app, endpoint);
    const relation = (await readModel(context.dir)).relations[key.slice(key.lastIndexOf(':') + 1)];
    if (!relation) continue;
    for (const unit of units) enqueue(state, relationHook(relation, unit, 'created'));
    for (const unit of units) await enterScope(context, state, model, relation, unit);
  }
}
