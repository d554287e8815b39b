/**
 * What one hook changed, when other units' hooks ran at the same time: the model
 * before a hook and after it also differ by what those hooks committed meanwhile,
 * and each change must trigger its hooks once, for the hook that made it. A unit can
 * write only its own bag in each relation, its application's bag and leader settings
 * when it leads, its own storage (storage-add) and the secrets it manages (its own,
 * its application's when it leads); everything else in the model is someone else's.
 */
import { unitApplication } from '../model/names.js';
import type { ModelState, RelationState } from '../model/schema.js';
import { unitStorageIds } from '../model/storage.js';
import { canManage, modelSecrets } from '../secrets/access.js';
import type { SecretState } from '../secrets/schema.js';

function leads(model: ModelState, unit: string): boolean {
  return model.applications[unitApplication(unit)]?.leader === unit;
}

/** `after`'s bag of `key`, put back as it was in `from` (absent there: absent). */
function restore(target: Record<string, Record<string, string>>, from: Readonly<Record<string, Record<string, string>>>, key: string): void {
  if (Object.hasOwn(from, key)) target[key] = from[key] ?? {};
  else delete target[key];
}

/**
 * `after`, with what `hookUnit` could have written put back as it was in `before`:
 * diffing this view against `after` shows that unit's changes and no one else's (a
 * relation, application or secret absent before stays absent, as in `before`).
 */
export function beforeOwnChanges(hookUnit: string, before: ModelState, after: ModelState): ModelState {
  const app = unitApplication(hookUnit);
  const leader = leads(after, hookUnit) || leads(before, hookUnit);
  const relations: Record<string, RelationState> = {};
  for (const [id, relation] of Object.entries(after.relations)) {
    const old = before.relations[id];
    if (!old) continue;
    const unitData = { ...relation.unitData };
    restore(unitData, old.unitData, hookUnit);
    const appData = { ...relation.appData };
    if (leader) restore(appData, old.appData, app);
    relations[id] = { ...relation, unitData, appData };
  }
  const applications = { ...after.applications };
  const own = after.applications[app];
  const ownBefore = before.applications[app];
  if (own && leader) {
    if (ownBefore) applications[app] = { ...own, leaderSettings: ownBefore.leaderSettings };
    else delete applications[app];
  }
  const storage = { ...after.storage };
  for (const id of unitStorageIds(after, hookUnit)) if (!Object.hasOwn(before.storage, id)) delete storage[id];
  const secrets: Record<string, SecretState> = {};
  const beforeSecrets = modelSecrets(before);
  for (const [id, secret] of Object.entries(modelSecrets(after))) {
    if (!canManage(after, hookUnit, secret) && !canManage(before, hookUnit, secret)) secrets[id] = secret;
    else if (Object.hasOwn(beforeSecrets, id) && beforeSecrets[id]) secrets[id] = beforeSecrets[id];
  }
  return { ...after, relations, applications, storage, secrets };
}
