/** `removeApplication`: `juju remove-application`, its relations broken, then its units removed, then the application itself. */
import { isPeerRelation } from '../../model/relations.js';
import { updateModel } from '../../model/store.js';
import type { ModelContext, Operation } from '../context.js';
import { liveRelations, liveUnits } from '../live.js';
import type { RunnerState } from '../state.js';
import { assertNoError, requireApplication } from './checks.js';
import { removeRelation } from './relations.js';
import { removeUnit } from './units.js';

/**
 * Queues what `juju remove-application` runs: every non-peer relation departs and
 * breaks on both sides (as remove-relation), then every unit goes (stop, remove).
 * The application leaves the model once its last unit has (`finishApplicationRemoval`).
 */
export async function removeApplication(context: ModelContext, operation: Operation, app: string): Promise<void> {
  const { state, model } = operation;
  requireApplication(model, app);
  const relations = liveRelations(model, state, app);
  assertNoError(state, [...liveUnits(model, app, state), ...relations.flatMap((relation) => relation.joined)]);
  for (const relation of relations) {
    if (isPeerRelation(relation)) continue;
    const [x, y] = relation.endpoints;
    if (!x || !y) continue;
    await removeRelation(context, operation, `${x.application}:${x.name}`, `${y.application}:${y.name}`);
  }
  // removeUnit reads the relations it leaves from the model: the ones above are dying now, so only peers remain.
  for (const unit of liveUnits(model, app, state)) await removeUnit(context, { state, model }, unit);
}

/** Deletes the application (and its peer relations) once none of its units is left; false while some still are (a hook failed). */
export async function finishApplicationRemoval(context: ModelContext, state: RunnerState, app: string): Promise<boolean> {
  const removed = await updateModel(context.dir, (model) => {
    if (!Object.hasOwn(model.applications, app)) return true;
    if (Object.values(model.units).some((unit) => unit.application === app)) return false;
    for (const [id, relation] of Object.entries(model.relations)) {
      if (relation.endpoints.some((endpoint) => endpoint.application === app)) delete model.relations[id];
    }
    delete model.applications[app];
    return true;
  });
  if (removed) delete state.applications[app];
  return removed;
}
