import type { ModelState, StorageDefinition } from '../model/schema.js';
import { unitApplication } from '../model/names.js';

/**
 * What Juju refuses when an upgrade changes a charm's stores (checkStorageUpgrade):
 * removing a required or used store, or changing one in a way its instances cannot
 * follow. Returns Juju's message, or null.
 */
export function storageUpgradeProblem(
  model: ModelState,
  app: string,
  before: Readonly<Record<string, StorageDefinition>>,
  after: Readonly<Record<string, StorageDefinition>>,
): string | null {
  for (const [name, old] of Object.entries(before)) {
    if (Object.hasOwn(after, name)) continue;
    if (old.countMin > 0) return `required storage ${JSON.stringify(name)} removed`;
    const used = Object.values(model.storage).some((instance) => instance.name === name && unitApplication(instance.unit) === app);
    if (used) return `in-use storage ${JSON.stringify(name)} removed`;
  }
  for (const [name, next] of Object.entries(after)) {
    const old = Object.hasOwn(before, name) ? before[name] : undefined;
    if (!old) continue;
    const quoted = JSON.stringify(name);
    if (next.type !== old.type) return `existing storage ${quoted} type changed from ${JSON.stringify(old.type)} to ${JSON.stringify(next.type)}`;
    if (next.readOnly !== old.readOnly) return `existing storage ${quoted} read-only changed from ${old.readOnly} to ${next.readOnly}`;
    if (next.location !== old.location)
      return `existing storage ${quoted} location changed from ${JSON.stringify(old.location)} to ${JSON.stringify(next.location)}`;
    // -1 means no maximum.
    if (next.countMax !== -1 && (old.countMax === -1 || next.countMax < old.countMax)) {
      return `existing storage ${quoted} range contracted: max decreased from ${old.countMax === -1 ? '<unbounded>' : old.countMax} to ${next.countMax}`;
    }
    // A singular store's location is its mount point, a multiple one's the parent of its mount points.
    if (old.location !== '' && old.countMax === 1 && next.countMax !== 1) return `existing storage ${quoted} with location changed from single to multiple`;
  }
  return null;
}
