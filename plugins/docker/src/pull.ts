import { ErrorCode, LuckyError, type Logger } from '@lucky/core';
import { engineFailure, engineReason, statusCode, type Engine } from './engine.js';

/** What Lucky needs to know of a local image. */
export interface LocalImage {
  readonly id: string;
  /** The image's PATH, if it sets one. */
  readonly path: string | undefined;
}

interface Progress {
  readonly id?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** Inspects an image; undefined when the engine does not have it. */
export async function localImage(engine: Engine, image: string): Promise<LocalImage | undefined> {
  try {
    const info = await engine.docker.getImage(image).inspect();
    const path = (info.Config?.Env ?? []).find((entry) => entry.startsWith('PATH='))?.slice('PATH='.length);
    return { id: info.Id, path };
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw engineFailure(`Could not inspect image "${image}"`, error);
  }
}

/** `fromImage`/`tag` as `docker pull` sends them: a reference without tag or digest means `:latest`. */
function pullQuery(image: string): { fromImage: string; tag?: string } {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') || lastPart.includes('@') ? { fromImage: image } : { fromImage: image, tag: 'latest' };
}

/** Pulls an image, logging progress at debug; fails with the engine's reason. */
export async function pullImage(engine: Engine, image: string, log: Logger, signal?: AbortSignal): Promise<void> {
  log.info(`Pulling image ${image}`);
  let failure: string | undefined;
  try {
    const stream = await engine.docker.createImage({ ...pullQuery(image), ...(signal ? { abortSignal: signal } : {}) });
    await new Promise<void>((resolve, reject) => {
      const last = new Map<string, string>();
      engine.docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: Progress) => {
          if (event.error !== undefined) failure ??= event.errorDetail?.message ?? event.error;
          // One line per layer and state, not one per progress tick.
          const key = event.id ?? '';
          if (event.status && last.get(key) !== event.status) {
            last.set(key, event.status);
            log.debug(`pull ${image}: ${event.id ? `${event.id}: ` : ''}${event.status}`);
          }
        },
      );
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    failure ??= engineReason(error);
  }
  if (failure !== undefined) {
    throw new LuckyError(ErrorCode.ContainerFailed, `Could not pull image "${image}": ${failure}`);
  }
}

/**
 * `docker run`'s pull policy: use the local image; when it is missing, pull it
 * if `pull` is true, else fail saying so.
 */
export async function ensureImage(engine: Engine, image: string, pull: boolean, log: Logger, signal?: AbortSignal): Promise<LocalImage> {
  const local = await localImage(engine, image);
  if (local) return local;
  if (!pull) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Image "${image}" is not on the Docker engine and pulling is off for it (--no-pull); load it onto the engine first, or set it again without --no-pull`,
    );
  }
  await pullImage(engine, image, log, signal);
  const pulled = await localImage(engine, image);
  if (!pulled) throw new LuckyError(ErrorCode.ContainerFailed, `Pulled image "${image}", but the engine still does not have it`);
  return pulled;
}
