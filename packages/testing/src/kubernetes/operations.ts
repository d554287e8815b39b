/** LocalModel operations on Kubernetes units: pod churn (a workload container restarts) and Pebble events (notices, checks). */
import { SimulatorError } from '../errors.js';
import { unitApplication } from '../model/names.js';
import type { ModelContext, Operation } from '../runner/context.js';
import { requireUnit } from '../runner/operations/checks.js';
import { enqueue, hookEntry } from '../runner/queue.js';
import type { PebbleEvent } from './event.js';
import { containerNames, startWorkload, stopWorkload, unitWorkloadPaths } from './workloads.js';

function requireContainer({ model }: Operation, unit: string, container: string): void {
  const app = unitApplication(unit);
  const names = containerNames(model, app);
  if (model.applications[app]?.containers === undefined) throw new SimulatorError(`${unit} is not a Kubernetes unit: its charm declares no containers.`);
  if (!names.includes(container)) throw new SimulatorError(`${unit} has no container "${container}" (its containers: ${names.join(', ')}).`);
}

/**
 * Pod churn: the workload container is replaced by a fresh one from its image, with a
 * fresh Pebble (no services, empty plan), and `<container>-pebble-ready` runs again.
 */
export async function restartContainer(context: ModelContext, operation: Operation, unit: string, container: string): Promise<void> {
  requireUnit(operation.model, operation.state, unit);
  requireContainer(operation, unit, container);
  await stopWorkload(context.dir, unitWorkloadPaths(context.dir, operation.model, unit), unit, container);
  await startWorkload(context.dir, operation.model, unit, container);
  enqueue(operation.state, hookEntry(unit, `${container}-pebble-ready`));
}

/**
 * A Pebble event of a workload container, as the Juju agent turns it into a hook:
 * a custom notice → `<c>-pebble-custom-notice`, a check failing or recovering →
 * `<c>-pebble-check-failed`/`-recovered`. Nothing runs for a unit that is gone or going.
 */
export async function pebbleEvent({ state, model }: Operation, unit: string, container: string, event: PebbleEvent): Promise<boolean> {
  if (!Object.hasOwn(model.units, unit) || state.dyingUnits.includes(unit)) return false;
  if (!containerNames(model, unitApplication(unit)).includes(container)) return false;
  if (event.kind === 'custom-notice') {
    enqueue(state, {
      ...hookEntry(unit, `${container}-pebble-custom-notice`),
      notice: { id: event.notice.id, type: event.notice.type, key: event.notice.key },
    });
  } else {
    enqueue(state, { ...hookEntry(unit, `${container}-pebble-${event.kind}`), checkName: event.check.name });
  }
  return true;
}
