/** `relate` and `removeRelation`, and the relation hooks other operations queue when units enter or leave a relation. */
import { SimulatorError } from '../../errors.js';
import { unitApplication } from '../../model/names.js';
import { localEndpoint, remoteApplication } from '../../model/relations.js';
import type { ModelState, RelationState } from '../../model/schema.js';
import { participates, sharesScope } from '../../model/scope.js';
import { readModel } from '../../model/store.js';
import type { ModelContext, Operation } from '../context.js';
import { byUnitNumber } from '../diff.js';
import { findRelation, formatEndpoint, resolveRelationEndpoints } from '../endpoints.js';
import { liveUnits } from '../live.js';
import { enqueue, hookEntry } from '../queue.js';
import type { QueuedHook, RunnerState } from '../state.js';
import { assertNoError } from './checks.js';
import { addMissingSubordinates, orphanedSubordinates } from './subordinates.js';
import { removeUnit } from './units.js';

function endpointName(relation: RelationState, unit: string): string {
  return localEndpoint(relation, unitApplication(unit))?.name ?? '';
}

/** A relation hook of `unit` about `remote` (a unit, or '' with the remote application). */
export function relationHook(
  relation: RelationState,
  unit: string,
  kind: string,
  remote: { unit?: string; app?: string; departing?: string } = {},
): QueuedHook {
  const remoteApp = remote.app ?? (remote.unit !== undefined ? unitApplication(remote.unit) : remoteApplication(relation, unitApplication(unit)));
  return hookEntry(unit, `${endpointName(relation, unit)}-relation-${kind}`, {
    relationId: relation.id,
    remoteApp,
    ...(remote.unit !== undefined ? { remoteUnit: remote.unit } : {}),
    ...(remote.departing !== undefined ? { departingUnit: remote.departing } : {}),
  });
}

/** Joined units on the other side of `relation` from `unit` (peers: the other units); in a container-scoped relation, only those in its container. */
export function scopePeers(model: ModelState, relation: RelationState, unit: string): string[] {
  const other = remoteApplication(relation, unitApplication(unit));
  return relation.joined.filter((name) => name !== unit && unitApplication(name) === other && sharesScope(model, relation, unit, name)).sort(byUnitNumber);
}

/** `unit` enters a relation's scope: -joined then -changed on both sides with every unit already in it that it can see. */
export async function enterScope(context: ModelContext, state: RunnerState, model: ModelState, relation: RelationState, unit: string): Promise<void> {
  for (const other of scopePeers(model, relation, unit)) queueJoin(state, relation, unit, other);
  await context.simulator.joinUnit(relation.id, unit);
  relation.joined.push(unit);
}

function queueJoin(state: RunnerState, relation: RelationState, x: string, y: string): void {
  enqueue(state, relationHook(relation, x, 'joined', { unit: y }));
  enqueue(state, relationHook(relation, x, 'changed', { unit: y }));
  enqueue(state, relationHook(relation, y, 'joined', { unit: x }));
  enqueue(state, relationHook(relation, y, 'changed', { unit: x }));
}

export async function relate(context: ModelContext, { state, model }: Operation, a: string, b: string): Promise<void> {
  const [left, right] = resolveRelationEndpoints(model, a, b);
  const existing = Object.values(model.relations).find((relation) =>
    [left, right].every((end) => relation.endpoints.some((e) => e.application === end.app && e.name === end.endpoint)),
  );
  if (existing) throw new SimulatorError(`${formatEndpoint(left)} and ${formatEndpoint(right)} are already related (relation ${existing.id}).`);
  const leftUnits = liveUnits(model, left.app, state);
  const rightUnits = liveUnits(model, right.app, state);
  assertNoError(state, [...leftUnits, ...rightUnits]);
  const key = await context.simulator.addRelation(formatEndpoint(left), formatEndpoint(right));
  const id = Number(key.slice(key.lastIndexOf(':') + 1));
  const current = await readModel(context.dir);
  const relation = current.relations[String(id)];
  if (!relation) throw new SimulatorError(`Relation ${id} vanished while it was being created.`);
  // A subordinate unit on another application's principal stays out of a container-scoped relation.
  const members = [...leftUnits, ...rightUnits].filter((unit) => participates(current, relation, unit));
  for (const unit of members) enqueue(state, relationHook(relation, unit, 'created'));
  for (const unit of members) await context.simulator.joinUnit(id, unit);
  for (const x of leftUnits) {
    for (const y of rightUnits) if (members.includes(x) && members.includes(y) && sharesScope(current, relation, x, y)) queueJoin(state, relation, x, y);
  }
  // Over a container-scoped relation, each principal unit gets a unit of the subordinate.
  await addMissingSubordinates(context, state, relation);
}

export async function removeRelation(context: ModelContext, { state, model }: Operation, a: string, b: string): Promise<void> {
  const relation = findRelation(model, a, b, state.dyingRelations);
  const [left, right] = relation.endpoints;
  if (!left || !right) throw new SimulatorError(`Relation ${relation.id} is a peer relation.`);
  const leftUnits = liveUnits(model, left.application, state);
  const rightUnits = liveUnits(model, right.application, state);
  assertNoError(state, [...leftUnits, ...rightUnits]);
  state.dyingRelations.push(relation.id);
  const joined = new Set(relation.joined);
  for (const x of leftUnits.filter((unit) => joined.has(unit))) {
    for (const y of rightUnits.filter((unit) => joined.has(unit) && sharesScope(model, relation, x, unit))) {
      enqueue(state, relationHook(relation, x, 'departed', { unit: y, departing: y }));
      enqueue(state, relationHook(relation, y, 'departed', { unit: x, departing: x }));
    }
  }
  for (const unit of joined) await context.simulator.departUnit(relation.id, unit);
  relation.joined = [];
  for (const unit of [...leftUnits, ...rightUnits].filter((name) => participates(model, relation, name)))
    enqueue(state, relationHook(relation, unit, 'broken'));
  enqueue(state, { kind: 'remove-relation', relationId: relation.id });
  // A subordinate unit goes once no container-scoped relation ties it to its principal.
  for (const unit of orphanedSubordinates(model, state, relation)) await removeUnit(context, { state, model }, unit, { subordinate: true });
}
