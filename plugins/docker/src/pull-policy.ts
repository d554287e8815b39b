/**
 * A container's pull policy (`lucky container image set --pull always|missing|never`)
 * applied when its container is (re)created: `missing` pulls only an image the engine
 * lacks, `always` pulls on every (re)creation, `never` uses the local image or fails.
 * On upgrade-charm (`refresh`), `always` and `missing` pull mutable tags again, as the
 * original Lucky did, so `:latest` follows the registry; a digest names one image for
 * good and is never pulled again. A pull that fails (registry unreachable, offline)
 * falls back to the local image with a warning in the hook's output.
 */
import { ErrorCode, LuckyError, type Logger, type PullPolicy } from '@lucky/core';
import type { Engine } from './engine.js';
import { localImage, pullImage, type LocalImage } from './pull.js';

/** Whether a reference pins a digest (`name@sha256:…`): the same image wherever it is pulled. */
export function isDigestReference(image: string): boolean {
  return image.slice(image.lastIndexOf('/') + 1).includes('@');
}

/** Whether an image is pulled, given what the engine has, the policy, and whether the charm was just upgraded. */
export function shouldPull(policy: PullPolicy, image: string, hasLocal: boolean, refresh: boolean): boolean {
  if (policy === 'never') return false;
  if (!hasLocal) return true;
  if (isDigestReference(image)) return false;
  return policy === 'always' || refresh;
}

export interface PrepareImageOptions {
  /** upgrade-charm: mutable tags are pulled again. */
  readonly refresh: boolean;
  readonly log: Logger;
  /** A warning for the charm author (the daemon log and the hook's output). */
  readonly report: (message: string) => void;
  readonly signal?: AbortSignal | undefined;
}

/** Makes `image` ready on the engine as `policy` says; resolves with the local image to create the container from. */
export async function prepareImage(engine: Engine, image: string, policy: PullPolicy, options: PrepareImageOptions): Promise<LocalImage> {
  const local = await localImage(engine, image);
  if (!shouldPull(policy, image, local !== undefined, options.refresh)) {
    if (local) return local;
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Image "${image}" is not on the Docker engine and its pull policy is "never"; load it onto the engine first (docker load or docker pull), or set it with --pull missing`,
    );
  }
  try {
    await pullImage(engine, image, options.log, options.signal);
  } catch (error) {
    if (!local || options.signal?.aborted) throw error;
    // Offline, or the registry is unreachable: the local image still runs.
    options.report(`${(error as Error).message}; using the local image ${local.id.replace(/^sha256:/, '').slice(0, 12)} of "${image}" instead`);
    return local;
  }
  const pulled = await localImage(engine, image);
  if (!pulled) throw new LuckyError(ErrorCode.ContainerFailed, `Pulled image "${image}", but the engine still does not have it`);
  if (local && pulled.id !== local.id) options.log.info(`Image ${image} updated: ${local.id.slice(7, 19)} → ${pulled.id.slice(7, 19)}`);
  return pulled;
}
