/**
 * Deploying a Kubernetes (sidecar) charm: its `oci-image` resources take image
 * references (`--resource <name>=<image>`), and each unit gets its workload containers,
 * their Pebble servers, and Juju's Kubernetes hook order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerEngine } from '../docker-engine.js';
import { SimulatorError } from '../errors.js';
import { unitApplication } from '../model/names.js';
import type { ModelState, WorkloadContainerState } from '../model/schema.js';
import { unitStorageIds } from '../model/storage.js';
import { MODEL_DIR_MODE, MODEL_FILE_MODE, updateModel } from '../model/store.js';
import { enqueue, hookEntry, storageHookEntry } from '../runner/queue.js';
import { writeRunnerState, type RunnerState } from '../runner/state.js';
import { readKubernetesMetadata } from './metadata.js';
import { containerNames, startWorkload } from './workloads.js';

export interface KubernetesDeployment {
  /** Resource name → file for `resource-get`: the given paths of `file` resources, and for `oci-image` ones a file holding the image's registry path, as Juju writes. */
  readonly resources: Record<string, string>;
  /** The workload containers with their images; null for a machine charm. */
  readonly containers: Record<string, WorkloadContainerState> | null;
}

async function hasImage(image: string): Promise<boolean> {
  try {
    await (await dockerEngine()).getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw new SimulatorError(`Cannot reach the Docker engine to look up image ${image}: ${(error as Error).message}; start Docker or set DOCKER_HOST.`, {
      cause: error,
    });
  }
}

/**
 * Checks a deployment's resources against the charm before anything changes. A charm
 * without `containers:` keeps the resources as given (name → file path). A Kubernetes
 * charm needs an image for every `oci-image` resource, present in the Docker engine
 * (the simulator never pulls).
 */
export async function prepareKubernetesDeploy(
  modelDir: string,
  charmDir: string,
  app: string,
  given: Readonly<Record<string, string>>,
): Promise<KubernetesDeployment> {
  const metadata = await readKubernetesMetadata(charmDir);
  if (Object.keys(metadata.containers).length === 0) return { resources: { ...given }, containers: null };
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(metadata.resources, name)) {
      throw new SimulatorError(`The charm declares no resource "${name}" (its resources: ${Object.keys(metadata.resources).sort().join(', ') || 'none'}).`);
    }
  }
  const images = Object.keys(metadata.resources).filter((name) => metadata.resources[name] === 'oci-image');
  const missing = images.filter((name) => !Object.hasOwn(given, name));
  // Juju's own words for a local Kubernetes charm deployed without its images.
  if (missing.length > 0) throw new SimulatorError(`local charm missing OCI images for: ${missing.join(', ')}; pass --resource <name>=<image> for each.`);
  for (const name of images) {
    const image = given[name] ?? '';
    if (!(await hasImage(image))) {
      throw new SimulatorError(
        `Image ${JSON.stringify(image)} of resource "${name}" is not in the Docker engine; the simulator does not pull: build or load it first.`,
      );
    }
  }
  const resources: Record<string, string> = {};
  const dir = join(modelDir, 'resources', app);
  for (const [name, value] of Object.entries(given)) {
    if (metadata.resources[name] !== 'oci-image') {
      resources[name] = value;
      continue;
    }
    // resource-get of an oci-image resource prints a file with its registry path (what ops' OCIImageResource reads).
    await mkdir(dir, { recursive: true, mode: MODEL_DIR_MODE });
    const file = join(dir, `${name}.json`);
    await writeFile(file, `${JSON.stringify({ registrypath: value })}\n`, { mode: MODEL_FILE_MODE });
    resources[name] = file;
  }
  const containers: Record<string, WorkloadContainerState> = {};
  for (const [name, spec] of Object.entries(metadata.containers)) {
    containers[name] = { resource: spec.resource, image: given[spec.resource] ?? '', mounts: spec.mounts.map((mount) => ({ ...mount })) };
  }
  return { resources, containers };
}

/** Records an application's workload containers in the model (it is then a Kubernetes application). */
export async function recordContainers(modelDir: string, app: string, containers: Record<string, WorkloadContainerState>): Promise<void> {
  await updateModel(modelDir, (model) => {
    const application = model.applications[app];
    if (application) application.containers = containers;
  });
}

export function isKubernetesApplication(model: ModelState, app: string): boolean {
  return model.applications[app]?.containers !== undefined;
}

/**
 * New Kubernetes units, after their install sequence was queued: they have no machine
 * (JUJU_MACHINE_ID is empty), their storage attaches after `start`, each workload
 * container's Pebble server starts, and once its API answers, `<container>-pebble-ready`
 * is queued (after `start`, as Juju runs workload hooks only on a started unit).
 */
export async function startKubernetesUnits(modelDir: string, state: RunnerState, units: readonly string[]): Promise<void> {
  const model = await updateModel(modelDir, (current) => {
    for (const unit of units) {
      const unitState = current.units[unit];
      if (unitState) unitState.machineId = '';
    }
    return current;
  });
  for (const unit of units) for (const id of unitStorageIds(model, unit)) enqueue(state, storageHookEntry(unit, id, 'attached'));
  const workloads = units.flatMap((unit) => containerNames(model, unitApplication(unit)).map((container) => ({ unit, container })));
  const started = await Promise.allSettled(workloads.map(({ unit, container }) => startWorkload(modelDir, model, unit, container)));
  workloads.forEach(({ unit, container }, i) => {
    if (started[i]?.status === 'fulfilled') enqueue(state, hookEntry(unit, `${container}-pebble-ready`));
  });
  const failed = workloads.flatMap(({ unit, container }, i) => {
    const result = started[i];
    return result?.status === 'rejected' ? [{ unit, container, reason: (result.reason as Error).message }] : [];
  });
  const [first] = failed;
  if (first) {
    // The units are in the model now: keep their hooks queued (the operation saves nothing when it throws), as a
    // pod whose container does not start keeps its charm going; restart-container starts it and runs the queue.
    await writeRunnerState(modelDir, state);
    throw new SimulatorError(
      `${first.reason.replace(/\.?$/, '.')} The hooks of ${units.join(', ')} stay queued; fix the cause, then "lucky sim restart-container ${first.unit} ${first.container}" (LocalModel.restartContainer) starts it and runs them.`,
    );
  }
}
