/** How a relation looks from one application's side (shared by host and tools). */
import type { ModelState, RelationEndpoint, RelationState, SettingsEdit, UnitState } from './schema.js';
import { sharesScope } from './scope.js';

export function isPeerRelation(relation: RelationState): boolean {
  return relation.endpoints.length === 1;
}

/** The endpoint `app` takes part in, or undefined when it is not in the relation. */
export function localEndpoint(relation: RelationState, app: string): RelationEndpoint | undefined {
  return relation.endpoints.find((endpoint) => endpoint.application === app);
}

/** The application at the other end (the application itself for a peer relation). */
export function remoteApplication(relation: RelationState, app: string): string {
  const other = relation.endpoints.find((endpoint) => endpoint.application !== app);
  return (other ?? relation.endpoints[0])?.application ?? '';
}

/** `db:3`: the relation id as hooks see it, prefixed with the local endpoint name. */
export function relationKey(relation: RelationState, app: string): string {
  return `${localEndpoint(relation, app)?.name ?? relation.endpoints[0]?.name ?? ''}:${relation.id}`;
}

/** Relations `app` takes part in. */
export function relationsOf(model: ModelState, app: string): RelationState[] {
  return Object.values(model.relations).filter((relation) => localEndpoint(relation, app) !== undefined);
}

export function applicationUnits(model: ModelState, app: string): string[] {
  return Object.keys(model.units).filter((unit) => model.units[unit]?.application === app);
}

/** `relation-list`: joined units of the remote application (peers: the other units); in a container-scoped relation, only those in `unit`'s container. */
export function relatedUnits(model: ModelState, relation: RelationState, unit: string, app: string): string[] {
  const remote = remoteApplication(relation, app);
  return relation.joined.filter((name) => name !== unit && name.slice(0, name.lastIndexOf('/')) === remote && sharesScope(model, relation, unit, name)).sort();
}

/** The settings Juju puts in every unit bag when the unit joins a relation. */
export function autoUnitSettings(unit: UnitState): Record<string, string> {
  return {
    'egress-subnets': `${unit.privateAddress}/32`,
    'ingress-address': unit.privateAddress,
    'private-address': unit.privateAddress,
  };
}

/** A bag with pending edits applied (what the writing unit reads back). */
export function applyEdit(bag: Readonly<Record<string, string>> | undefined, edit: SettingsEdit | undefined): Record<string, string> {
  // A Map, so keys such as `__proto__` stay plain data.
  const result = new Map(Object.entries(bag ?? {}));
  for (const [key, value] of Object.entries(edit ?? {})) {
    if (value === null) result.delete(key);
    else result.set(key, value);
  }
  return Object.fromEntries(result);
}
