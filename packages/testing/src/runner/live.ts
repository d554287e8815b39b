/** The units and relations of an application that are not being removed: the ones new hooks may be queued for. */
import { relationsOf } from '../model/relations.js';
import type { ModelState, RelationState } from '../model/schema.js';
import { byUnitNumber } from './diff.js';
import type { RunnerState } from './state.js';

export function liveUnits(model: ModelState, app: string, state: RunnerState): string[] {
  return Object.keys(model.units)
    .filter((unit) => model.units[unit]?.application === app && !state.dyingUnits.includes(unit))
    .sort(byUnitNumber);
}

export function liveRelations(model: ModelState, state: RunnerState, app: string): RelationState[] {
  return relationsOf(model, app)
    .filter((relation) => !state.dyingRelations.includes(relation.id))
    .sort((x, y) => x.id - y.id);
}
