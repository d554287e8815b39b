/** The Lucky-specific variables of a Kubernetes unit's hooks. */
import { unitApplication } from '../model/names.js';
import type { ModelState } from '../model/schema.js';
import { unitWorkloadPaths } from './workloads.js';

/**
 * `LUCKY_PEBBLE_CONTAINERS_DIR` for a unit of a Kubernetes application: the directory
 * holding `<container>/pebble.socket` of each workload container, which the charm
 * container sees at `/charm/containers` on Kubernetes. Nothing for a machine unit.
 */
export function kubernetesHookEnv(model: ModelState, modelDir: string, unit: string): Record<string, string> {
  if (model.applications[unitApplication(unit)]?.containers === undefined) return {};
  return { LUCKY_PEBBLE_CONTAINERS_DIR: unitWorkloadPaths(modelDir, model, unit).containersDir };
}
