import { unitApplication } from '../model/names.js';
import { beforeOwnChanges } from './attribution.js';
import { remoteApplication } from '../model/relations.js';
import type { ModelState, RelationState } from '../model/schema.js';
import { sharesScope } from '../model/scope.js';
import { unitStorageIds } from '../model/storage.js';
import { hookEntry, storageHookEntry } from './queue.js';
import { secretTriggeredHooks } from '../secrets/triggers.js';
import type { QueuedHook } from './state.js';

function sameBag(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const x = Object.entries(a ?? {}).sort(([k], [l]) => (k < l ? -1 : k > l ? 1 : 0));
  const y = Object.entries(b ?? {}).sort(([k], [l]) => (k < l ? -1 : k > l ? 1 : 0));
  return JSON.stringify(x) === JSON.stringify(y);
}

/** Juju numbers units; `web/10` sorts after `web/9`. */
export function byUnitNumber(a: string, b: string): number {
  const app = unitApplication(a).localeCompare(unitApplication(b));
  if (app !== 0) return app;
  return Number(a.slice(a.lastIndexOf('/') + 1)) - Number(b.slice(b.lastIndexOf('/') + 1));
}

/** Units in the relation's scope on the side that sees `app`'s data (peers: the other units); for a unit's bag in a container-scoped relation, only the writer's container. */
function watchers(model: ModelState, relation: RelationState, app: string, except: string, dying: readonly string[], writer?: string): string[] {
  const other = remoteApplication(relation, app);
  return relation.joined
    .filter(
      (unit) =>
        unit !== except && unitApplication(unit) === other && !dying.includes(unit) && (writer === undefined || sharesScope(model, relation, writer, unit)),
    )
    .sort(byUnitNumber);
}

/**
 * The hooks Juju fires because of what one hook changed in the committed model:
 * `-relation-changed` on the other side for a changed unit or application bag,
 * `leader-settings-changed` on the non-leaders for changed leader settings,
 * `-storage-attached` on the hook's unit for storage its `storage-add` created, and
 * the secret hooks (secrets/triggers.ts). `hookUnit` ran the hook; leader-set is
 * immediate, so even a failed hook may have changed the leader settings.
 *
 * Other units' hooks may have run meanwhile: only what `hookUnit` could have written
 * counts (runner/attribution.ts), so each change triggers once, for its own hook. A
 * revision becomes obsolete by the owner's new revision and its consumers moving on,
 * possibly in concurrent hooks: `obsoleteSince` is the model whose obsolete revisions
 * were already handed out (default `before`; the hook queue passes the model it saw last).
 */
export function triggeredHooks(
  hookUnit: string,
  actualBefore: ModelState,
  after: ModelState,
  dyingUnits: readonly string[],
  dyingRelations: readonly number[],
  obsoleteSince: ModelState = actualBefore,
): QueuedHook[] {
  const before = beforeOwnChanges(hookUnit, actualBefore, after);
  const hooks: QueuedHook[] = [];
  for (const relation of Object.values(after.relations)) {
    if (dyingRelations.includes(relation.id)) continue;
    const old = before.relations[String(relation.id)];
    if (!old) continue;
    for (const writer of Object.keys(relation.unitData).sort(byUnitNumber)) {
      if (!relation.joined.includes(writer) || sameBag(old.unitData[writer], relation.unitData[writer])) continue;
      const app = unitApplication(writer);
      for (const unit of watchers(after, relation, app, writer, dyingUnits, writer)) {
        const endpoint = relation.endpoints.find((e) => e.application === unitApplication(unit))?.name ?? '';
        hooks.push(hookEntry(unit, `${endpoint}-relation-changed`, { relationId: relation.id, remoteUnit: writer, remoteApp: app }));
      }
    }
    for (const app of Object.keys(relation.appData).sort()) {
      if (sameBag(old.appData[app], relation.appData[app])) continue;
      // Only the leader writes its application's bag, and units do not see their own writes.
      for (const unit of watchers(after, relation, app, hookUnit, dyingUnits)) {
        // Juju names one unit of the changed application as the remote unit (none if it has none in scope).
        const remoteUnit =
          relation.joined.filter((u) => u !== unit && unitApplication(u) === app && sharesScope(after, relation, unit, u)).sort(byUnitNumber)[0] ?? '';
        const endpoint = relation.endpoints.find((e) => e.application === unitApplication(unit))?.name ?? '';
        hooks.push(hookEntry(unit, `${endpoint}-relation-changed`, { relationId: relation.id, remoteUnit, remoteApp: app }));
      }
    }
  }
  for (const [name, app] of Object.entries(after.applications)) {
    const old = before.applications[name];
    if (!old || sameBag(old.leaderSettings, app.leaderSettings)) continue;
    const followers = Object.keys(after.units)
      .filter((unit) => after.units[unit]?.application === name && unit !== app.leader && !dyingUnits.includes(unit))
      .sort(byUnitNumber);
    for (const unit of followers) hooks.push(hookEntry(unit, 'leader-settings-changed'));
  }
  for (const id of unitStorageIds(after, hookUnit)) {
    if (!Object.hasOwn(before.storage, id)) hooks.push(storageHookEntry(hookUnit, id, 'attached'));
  }
  hooks.push(...secretTriggeredHooks(before, after, dyingUnits, obsoleteSince));
  return hooks;
}
