/** The view `LocalModel.status()` returns, built from the model and the runner state. */
import { formatPortRange, uniquePortRanges } from '../model/ports.js';
import { isPeerRelation } from '../model/relations.js';
import type { ModelState } from '../model/schema.js';
import { endpointInfo } from '../model/scope.js';
import { unitStorageIds } from '../model/storage.js';
import { applicationStatus, applicationVersion } from './application-status.js';
import { byUnitNumber } from './diff.js';
import { failedMessage } from './hook-queue.js';
import type { RunnerState } from './state.js';
import type { ModelStatus, UnitView } from './types.js';
import { unitPaths } from './unit-paths.js';

export function modelStatus(dir: string, model: ModelState, state: RunnerState): ModelStatus {
  const applications = Object.keys(model.applications)
    .sort()
    .map((name) => {
      const app = model.applications[name];
      const units = Object.keys(model.units)
        .filter((unit) => model.units[unit]?.application === name)
        .sort(byUnitNumber)
        .map((unit): UnitView => {
          const unitState = model.units[unit];
          const error = Object.hasOwn(state.errors, unit) ? state.errors[unit] : undefined;
          const paths = unitPaths(dir, unit);
          return {
            name: unit,
            application: name,
            leader: app?.leader === unit,
            workload: { status: unitState?.status.status ?? 'unknown', message: unitState?.status.message ?? '' },
            agent: error ? { status: 'error', message: failedMessage(error.hook) } : { status: 'idle', message: '' },
            address: unitState?.privateAddress ?? '',
            ...(unitState?.principal !== undefined ? { principal: unitState.principal } : {}),
            ports: uniquePortRanges(unitState?.openedPorts ?? {}).map(formatPortRange),
            dataDir: paths.dataDir,
            socketPath: paths.socketPath,
            storage: unitStorageIds(model, unit).flatMap((id) => {
              const instance = model.storage[id];
              return instance ? [{ id, kind: instance.kind, location: instance.location }] : [];
            }),
          };
        });
      return {
        name,
        charm: state.applications[name]?.charm ?? '',
        charmDir: app?.charmDir ?? '',
        status: applicationStatus(model, name, units),
        version: applicationVersion(model, name),
        units,
      };
    });
  const relations = Object.values(model.relations)
    .sort((x, y) => x.id - y.id)
    .map((relation) => {
      const [first] = relation.endpoints;
      const info = first ? endpointInfo(model, first.application, first.name) : undefined;
      return {
        id: relation.id,
        endpoints: relation.endpoints.map((endpoint) => `${endpoint.application}:${endpoint.name}`),
        interface: info?.interface ?? '',
        peer: isPeerRelation(relation),
      };
    });
  return { name: model.name, applications, relations };
}
