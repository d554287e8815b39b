/** The workload containers of Kubernetes units in `LocalModel.status()`, asked of each container's Pebble. */
import type { ModelState } from '../model/schema.js';
import type { ModelStatus, UnitView } from '../runner/types.js';
import { pebbleAnswers, pebbleServices, type PebbleServiceInfo } from './pebble-api.js';
import { containerNames, unitWorkloadPaths } from './workloads.js';

export interface ContainerView {
  readonly name: string;
  /** The image of its oci-image resource. */
  readonly image: string;
  /** Its Pebble API socket (`<LUCKY_PEBBLE_CONTAINERS_DIR>/<name>/pebble.socket`). */
  readonly socketPath: string;
  /** `ready` when its Pebble answers, `unreachable` otherwise (services are then unknown: []). */
  readonly pebble: 'ready' | 'unreachable';
  /** Services of its plan: `startup` enabled|disabled, `current` active|inactive|backoff|error. */
  readonly services: readonly PebbleServiceInfo[];
}

/** The containers of a unit, or undefined for a machine unit. */
export async function unitContainers(modelDir: string, model: ModelState, unit: string, app: string): Promise<ContainerView[] | undefined> {
  const application = model.applications[app];
  if (application?.containers === undefined) return undefined;
  const paths = unitWorkloadPaths(modelDir, model, unit);
  return Promise.all(
    containerNames(model, app).map(async (name): Promise<ContainerView> => {
      const socketPath = paths.socket(name);
      const image = application.containers?.[name]?.image ?? '';
      if (!(await pebbleAnswers(socketPath))) return { name, image, socketPath, pebble: 'unreachable', services: [] };
      const services = await pebbleServices(socketPath).catch(() => null);
      return services === null ? { name, image, socketPath, pebble: 'unreachable', services: [] } : { name, image, socketPath, pebble: 'ready', services };
    }),
  );
}

/** Adds `containers` to every Kubernetes unit of a status view. */
export async function withContainers(modelDir: string, model: ModelState, status: ModelStatus): Promise<ModelStatus> {
  const applications = await Promise.all(
    status.applications.map(async (app) => ({
      ...app,
      units: await Promise.all(
        app.units.map(async (unit): Promise<UnitView> => {
          const containers = await unitContainers(modelDir, model, unit.name, app.name);
          return containers === undefined ? unit : { ...unit, containers };
        }),
      ),
    })),
  );
  return { ...status, applications };
}
