/**
 * The secret hooks Juju fires because of what a hook (or any model change) did to
 * secrets: `secret-changed` on each unit that tracks an older revision than a new
 * latest one, and `secret-remove` on the owner for each revision nobody tracks any more
 * (no longer the latest, and no consumer on it), so the owner can remove it.
 */
import type { ModelState } from '../model/schema.js';
import { hookEntry } from '../runner/queue.js';
import type { QueuedHook } from '../runner/state.js';
import { canRead, findSecret, latestRevision, modelSecrets, ownerHookUnit } from './access.js';
import type { SecretState } from './schema.js';
import { secretUri } from './xid.js';

/** Revisions no unit tracks any more (removed units track nothing), other than the latest. */
function obsoleteRevisions(model: ModelState, secret: SecretState): number[] {
  const latest = latestRevision(secret);
  const tracked = new Set(Object.entries(secret.consumers).flatMap(([unit, consumer]) => (Object.hasOwn(model.units, unit) ? [consumer.revision] : [])));
  return secret.revisions.map((entry) => entry.revision).filter((revision) => revision < latest && !tracked.has(revision));
}

/** `obsoleteSince`: the model whose obsolete revisions were already handed to their owners (default `before`). */
export function secretTriggeredHooks(before: ModelState, after: ModelState, dyingUnits: readonly string[], obsoleteSince: ModelState = before): QueuedHook[] {
  const hooks: QueuedHook[] = [];
  const live = (unit: string | null): unit is string => unit !== null && Object.hasOwn(after.units, unit) && !dyingUnits.includes(unit);
  for (const [id, secret] of Object.entries(modelSecrets(after))) {
    const old = findSecret(before, id);
    const latest = latestRevision(secret);
    if (old && latest > latestRevision(old)) {
      for (const unit of Object.keys(secret.consumers).sort()) {
        const consumer = secret.consumers[unit];
        if (!consumer || consumer.revision >= latest || !live(unit) || !canRead(after, unit, secret)) continue;
        hooks.push({ ...hookEntry(unit, 'secret-changed'), secret: { id: secretUri(id), label: consumer.label, revision: 0 } });
      }
    }
    const owner = ownerHookUnit(after, secret);
    if (!live(owner)) continue;
    const seen = findSecret(obsoleteSince, id);
    const wasObsolete = new Set(seen ? obsoleteRevisions(obsoleteSince, seen) : []);
    for (const revision of obsoleteRevisions(after, secret)) {
      if (wasObsolete.has(revision)) continue;
      hooks.push({ ...hookEntry(owner, 'secret-remove'), secret: { id: secretUri(id), label: secret.label, revision } });
    }
  }
  return hooks;
}
