import { applyPortChanges } from './ports.js';
import { applyEdit } from './relations.js';
import type { HookContextState, ModelState } from './schema.js';
import { unitApplication } from './names.js';

/**
 * Applies a hook's buffered changes to the model, as Juju's `Flush` does in one
 * `CommitHookChanges` call when the hook exited 0. Changes to relations removed
 * meanwhile are dropped.
 */
export function commitContext(model: ModelState, context: HookContextState): void {
  const app = unitApplication(context.unit);
  for (const [id, edits] of Object.entries(context.pending.relations)) {
    const relation = model.relations[id];
    if (!relation) continue;
    if (Object.keys(edits.unit).length > 0) relation.unitData[context.unit] = applyEdit(relation.unitData[context.unit], edits.unit);
    if (Object.keys(edits.app).length > 0) relation.appData[app] = applyEdit(relation.appData[app], edits.app);
  }
  const unit = model.units[context.unit];
  if (unit) applyPortChanges(unit.openedPorts, context.pending);
}
