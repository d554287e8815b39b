/**
 * What a model's units leave on the Docker engine, and its removal. The Docker runtime
 * of a machine charm labels its containers with the unit (`lucky.unit`) and with the
 * extra labels of `LUCKY_DOCKER_LABELS`; the simulator adds the model's own label
 * there (`lucky.sim.model=<model dir>`, the label of Kubernetes workload containers
 * too), so that removing a unit or destroying the model can sweep what a unit's daemon
 * did not remove itself (a daemon that is gone, a `stop` hook that failed) without
 * touching another model's units of the same name.
 */
import { dockerEngine } from '../docker-engine.js';
import { SimulatorError } from '../errors.js';
import { LABEL_MODEL } from '../kubernetes/workloads.js';
import { removeLabelledContainers, type ContainerRemoval } from './container-removal.js';

/** The Docker runtime's unit label (plugins/docker/src/labels.ts). */
const UNIT_LABEL = 'lucky.unit';

/**
 * `LUCKY_DOCKER_LABELS` for a unit's hooks and daemon: the caller's own labels (a
 * test's, say) with the model's label appended. A model directory with a comma
 * cannot be one item of that list; its containers then go by their unit label alone.
 */
export function modelDockerEnv(modelDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const own = env.LUCKY_DOCKER_LABELS?.trim() ?? '';
  if (modelDir.includes(',')) return own === '' ? {} : { LUCKY_DOCKER_LABELS: own };
  return { LUCKY_DOCKER_LABELS: [own, `${LABEL_MODEL}=${modelDir}`].filter((item) => item !== '').join(',') };
}

/** Whether an error only says there is no Docker engine here (so nothing of this model can be on one). */
function noEngine(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES';
}

/** What a sweep removed. */
export interface SweepResult {
  readonly containers: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

/**
 * Removes (forced, with their anonymous volumes) every container of the model, or of
 * one of its units, until the engine lists none, then the networks and volumes
 * carrying the model's label. A machine without a Docker engine has nothing to sweep.
 */
export async function sweepModelDocker(modelDir: string, unit?: string): Promise<SweepResult> {
  const docker = await dockerEngine();
  const label = [`${LABEL_MODEL}=${modelDir}`, ...(unit !== undefined ? [`${UNIT_LABEL}=${unit}`] : [])];
  const where = unit ?? `the model in ${modelDir}`;
  let removal: ContainerRemoval;
  try {
    removal = await removeLabelledContainers(docker, label);
  } catch (error) {
    if (noEngine(error)) return { containers: [], networks: [], volumes: [] };
    throw new SimulatorError(`Cannot list the Docker containers of ${where}: ${(error as Error).message}`, { cause: error });
  }
  const gone = (error: { statusCode?: number }) => error.statusCode === 404 || error.statusCode === 409;
  const failures: string[] = [...removal.failures];
  const result: SweepResult = { containers: removal.containers, networks: [], volumes: [] };
  if (unit === undefined) {
    // Networks and volumes belong to the model, not to one unit.
    const networks = await docker.listNetworks({ filters: { label: [`${LABEL_MODEL}=${modelDir}`] } });
    for (const network of networks) {
      await docker
        .getNetwork(network.Id)
        .remove()
        .then(
          () => result.networks.push(network.Name),
          (error: { statusCode?: number; message: string }) => {
            if (!gone(error)) failures.push(`network ${network.Name}: ${error.message}`);
          },
        );
    }
    const volumes = (await docker.listVolumes({ filters: { label: [`${LABEL_MODEL}=${modelDir}`] } })).Volumes ?? [];
    for (const volume of volumes) {
      await docker
        .getVolume(volume.Name)
        .remove()
        .then(
          () => result.volumes.push(volume.Name),
          (error: { statusCode?: number; message: string }) => {
            if (!gone(error)) failures.push(`volume ${volume.Name}: ${error.message}`);
          },
        );
    }
  }
  if (failures.length > 0)
    throw new SimulatorError(
      `Could not remove what ${where} left on the Docker engine (${failures.join('; ')}); remove them with docker rm -f / docker network rm / docker volume rm.`,
    );
  return result;
}
