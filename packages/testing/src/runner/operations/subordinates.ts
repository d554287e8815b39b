/**
 * Subordinate units, as Juju makes and removes them: a subordinate application is
 * deployed without units; each principal unit that enters a container-scoped relation
 * with it gets one unit of it, on its machine; that unit goes when no container-scoped
 * relation ties it to its principal any more, or with its principal.
 */
import { SimulatorError } from '../../errors.js';
import { readKubernetesMetadata } from '../../kubernetes/metadata.js';
import { readModel } from '../../model/store.js';
import type { ModelState, RelationState } from '../../model/schema.js';
import { isContainerScoped, isSubordinateApplication } from '../../model/scope.js';
import type { ModelContext } from '../context.js';
import { byUnitNumber } from '../diff.js';
import { liveRelations, liveUnits } from '../live.js';
import type { RunnerState } from '../state.js';
import { addUnits } from './units.js';

/**
 * How many units `juju deploy` makes of a subordinate charm: none. Like Juju, which cannot
 * tell `-n 1` from the default, any other count is refused. Undefined for a principal charm.
 */
export function subordinateUnitCount(charm: { readonly subordinate: boolean }, app: string, units: number | undefined): number | undefined {
  if (!charm.subordinate) return undefined;
  if (units === undefined || units === 1) return 0;
  throw new SimulatorError(
    `cannot use --num-units or --to with subordinate application (${app}): deploy it without units, then relate it to a principal application.`,
  );
}

/** Juju runs no subordinate on Kubernetes: a sidecar charm (metadata `containers:`) cannot be one. */
export async function refuseKubernetesSubordinate(charmDir: string, app: string): Promise<void> {
  const containers = Object.keys((await readKubernetesMetadata(charmDir)).containers);
  if (containers.length > 0) {
    throw new SimulatorError(
      `Cannot deploy ${app}: a subordinate charm cannot declare workload containers (${containers.sort().join(', ')}); subordinates run on machines only, next to a principal unit.`,
    );
  }
}

/** A live unit of `sub` already in `principal`'s container. */
function hasSubordinate(model: ModelState, state: RunnerState, sub: string, principal: string): boolean {
  return Object.entries(model.units).some(([name, unit]) => unit.application === sub && unit.principal === principal && !state.dyingUnits.includes(name));
}

/**
 * For a live container-scoped relation between a subordinate and a principal
 * application: a subordinate unit for every live principal unit that has none yet
 * (install … start, then it joins its relations, see addUnits).
 */
export async function addMissingSubordinates(context: ModelContext, state: RunnerState, relation: RelationState): Promise<void> {
  if (state.dyingRelations.includes(relation.id)) return;
  const model = await readModel(context.dir);
  const current = model.relations[String(relation.id)];
  if (!current || !isContainerScoped(model, current)) return;
  const [a, b] = current.endpoints;
  if (!a || !b) return;
  for (const [sub, principalApp] of [
    [a.application, b.application],
    [b.application, a.application],
  ] as const) {
    if (!isSubordinateApplication(model, sub) || isSubordinateApplication(model, principalApp)) continue;
    const hosts = liveUnits(model, principalApp, state).filter((principal) => !hasSubordinate(model, state, sub, principal));
    if (hosts.length > 0) await addUnits(context, state, sub, 0, hosts);
  }
}

/**
 * The subordinate units that `relation` (being removed) tied to their principal and that
 * no other live container-scoped relation with the principal's application still does:
 * Juju's uniter destroys such a unit once it leaves that relation.
 */
export function orphanedSubordinates(model: ModelState, state: RunnerState, relation: RelationState): string[] {
  if (!isContainerScoped(model, relation)) return [];
  const apps = relation.endpoints.map((endpoint) => endpoint.application);
  return Object.keys(model.units)
    .filter((name) => {
      const unit = model.units[name];
      if (!unit?.principal || !apps.includes(unit.application) || state.dyingUnits.includes(name)) return false;
      const principalApp = model.units[unit.principal]?.application;
      if (principalApp === undefined || !apps.includes(principalApp)) return false;
      return !liveRelations(model, state, unit.application).some(
        (other) => other.id !== relation.id && isContainerScoped(model, other) && other.endpoints.some((endpoint) => endpoint.application === principalApp),
      );
    })
    .sort(byUnitNumber);
}
