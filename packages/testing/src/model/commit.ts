import { applyPortChanges } from './ports.js';
import { applyEdit } from './relations.js';
import type { HookContextState, ModelState } from './schema.js';
import { unitApplication } from './names.js';
import { checkStorageAdditions, createStorage } from './storage.js';
import { modelNow } from '../runner/clock.js';
import { commitSecretChanges } from '../secrets/commit.js';

/** The model refused a hook's changes (Juju's CommitHookChanges failed): nothing was applied. */
export class CommitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommitError';
  }
}

/**
 * Applies a hook's buffered changes to the model, as Juju's `Flush` does in one
 * `CommitHookChanges` call when the hook exited 0. Changes to relations removed
 * meanwhile are dropped. All or nothing: storage that cannot be added throws a
 * CommitError before anything changes. Returns the ids of the storage added.
 */
export function commitContext(model: ModelState, context: HookContextState, modelDir: string): string[] {
  const additions = context.pending.addStorage;
  const refused = checkStorageAdditions(model, context.unit, additions);
  if (refused !== null) throw new CommitError(refused);
  // Secrets first: a refused secret change (permission denied…) throws before anything else changes.
  commitSecretChanges(model, context, modelNow(model));
  const app = unitApplication(context.unit);
  for (const [id, edits] of Object.entries(context.pending.relations)) {
    const relation = model.relations[id];
    if (!relation) continue;
    if (Object.keys(edits.unit).length > 0) relation.unitData[context.unit] = applyEdit(relation.unitData[context.unit], edits.unit);
    if (Object.keys(edits.app).length > 0) relation.appData[app] = applyEdit(relation.appData[app], edits.app);
  }
  const unit = model.units[context.unit];
  if (unit) applyPortChanges(unit.openedPorts, context.pending);
  return additions.flatMap(({ name, count }) => createStorage(model, modelDir, context.unit, name, count));
}
