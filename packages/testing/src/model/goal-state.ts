/**
 * `goal-state` computed from the model, as the uniter facade's GoalStates does:
 * the unit's application's units with their workload statuses, and per local
 * endpoint of each non-peer relation the remote application (with the relation's
 * status) and its units. Tool processes import this: node builtins only.
 */
import { GoStruct, type GoValue } from '../tools/format.js';
import { applicationUnits, isPeerRelation, localEndpoint, relationsOf } from './relations.js';
import type { ModelState } from './schema.js';

/** common.FormatTime(t, true): UTC, RFC 3339 with a space for the `T`, whole seconds. */
export function formatSince(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** goalStateStatusContents: `status`, then `since` (omitted when empty). */
function statusContents(status: string, since: string | undefined): GoStruct {
  return new GoStruct([
    { name: 'status', value: status },
    { name: 'since', value: formatSince(since), omitEmpty: true },
  ]);
}

/**
 * goalStateUnits(app, viewer): Juju passes the viewing unit's own name as the
 * "principal", so subordinate units show only to their principal (a subordinate sees
 * none of its own application's units, the principal's units all).
 */
function unitsOf(model: ModelState, app: string, viewer: string): Record<string, GoValue> {
  const units: Record<string, GoValue> = {};
  for (const name of applicationUnits(model, app)) {
    const state = model.units[name];
    if (state?.principal !== undefined && state.principal !== viewer) continue;
    // A dying unit shows its life instead of its workload status.
    if (state) units[name] = statusContents(state.life ?? state.status.status, state.statusSince);
  }
  return units;
}

export function goalState(model: ModelState, unit: string): GoStruct {
  const app = unit.slice(0, unit.lastIndexOf('/'));
  const relations: Record<string, Record<string, GoValue>> = {};
  for (const relation of relationsOf(model, app)) {
    // Peer relations are left out.
    if (isPeerRelation(relation)) continue;
    const local = localEndpoint(relation, app);
    if (!local) continue;
    // A relation is `joining` until a unit enters its scope, then `joined`.
    const status = relation.joined.length > 0 ? 'joined' : 'joining';
    const entry = (relations[local.name] ??= {});
    for (const endpoint of relation.endpoints) {
      if (endpoint.application === app) continue;
      entry[endpoint.application] = statusContents(status, relation.since);
      Object.assign(entry, unitsOf(model, endpoint.application, unit));
    }
  }
  return new GoStruct([
    { name: 'units', value: unitsOf(model, app, unit) },
    { name: 'relations', value: relations },
  ]);
}
