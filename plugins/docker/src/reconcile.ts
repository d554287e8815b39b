import { ErrorCode, LuckyError, type Logger } from '@lucky/core';
import { engineFailure, statusCode, type Engine } from './engine.js';
import { inspectContainer, lastLogLines, listUnitContainers, removeContainer, type UnitContainer } from './containers.js';
import type { ContainerSpec } from './container-spec.js';
import { UNIT_LABEL } from './labels.js';
import { createMountSources } from './mounts.js';
import type { LocalImage } from './pull.js';
import { prepareImage } from './pull-policy.js';

export interface ReconcileOptions {
  readonly force: boolean;
  readonly signal?: AbortSignal | undefined;
  readonly log: Logger;
  /** Seconds a container gets to stop before it is killed. */
  readonly stopTimeout: number;
  /** Tells the charm author about a container found in trouble (log and hook output). */
  readonly report: (message: string) => void;
}

/** What one apply will do. */
export interface ReconcilePlan {
  /** Containers that match their definition. */
  readonly keep: ReadonlyArray<{ readonly spec: ContainerSpec; readonly container: UnitContainer }>;
  /** Definitions with no matching container. */
  readonly create: readonly ContainerSpec[];
  /** Containers to remove: strays, duplicates, outdated ones (per definition key; '' = stray). */
  readonly remove: ReadonlyArray<{ readonly container: UnitContainer; readonly forKey: string | undefined }>;
}

const GONE = new Set(['dead', 'removing']);

/** Compares the unit's containers on the engine with the definitions. */
export function planReconcile(found: readonly UnitContainer[], specs: readonly ContainerSpec[], force: boolean): ReconcilePlan {
  const keep: Array<{ spec: ContainerSpec; container: UnitContainer }> = [];
  const create: ContainerSpec[] = [];
  const remove: Array<{ container: UnitContainer; forKey: string | undefined }> = [];
  const defined = new Set(specs.map((spec) => spec.key));
  for (const spec of specs) {
    const candidates = found.filter((c) => c.key === spec.key);
    const matches = force ? [] : candidates.filter((c) => c.hash === spec.hash && c.name === spec.name && !GONE.has(c.state));
    const kept = matches.find((c) => c.state === 'running') ?? matches[0];
    if (kept) keep.push({ spec, container: kept });
    else create.push(spec);
    for (const c of candidates) if (c !== kept) remove.push({ container: c, forKey: spec.key });
  }
  for (const c of found) if (c.key === undefined || !defined.has(c.key)) remove.push({ container: c, forKey: undefined });
  return { keep, create, remove };
}

function exitedMessage(spec: ContainerSpec, exitCode: number, error: string, logs: readonly string[], when: string): string {
  const why = error ? `${error} (exit code ${exitCode})` : `exit code ${exitCode}`;
  const tail = logs.length > 0 ? `; last log lines: ${logs.join(' | ')}` : '; it wrote no logs';
  return `Container "${spec.display}" (${spec.name}, image ${spec.image}) ${when} with ${why}${tail}`;
}

/** Creates a container, replacing one of this unit that holds the name (left by a killed daemon). */
async function createContainer(engine: Engine, unit: string, spec: ContainerSpec, image: LocalImage): Promise<string> {
  const options = spec.createOptions(image.path);
  for (let attempt = 0; ; attempt++) {
    try {
      return (await engine.docker.createContainer(options)).id;
    } catch (error) {
      if (statusCode(error) !== 409 || attempt > 0)
        throw engineFailure(`Could not create container "${spec.display}" (${spec.name}, image ${spec.image})`, error);
      const holder = await inspectContainer(engine, spec.name);
      if (holder && holder.labels[UNIT_LABEL] !== unit) {
        throw new LuckyError(
          ErrorCode.ContainerFailed,
          `Could not create container "${spec.display}": the name ${spec.name} is taken by a container that ${unit} does not manage; remove or rename that container`,
        );
      }
      await removeContainer(engine, spec.name, 0);
    }
  }
}

/** Starts a container; a container that cannot start is removed again, so nothing half-made stays. */
async function startContainer(engine: Engine, spec: ContainerSpec, id: string, removeOnFailure: boolean): Promise<void> {
  try {
    await engine.docker.getContainer(id).start();
  } catch (error) {
    if (statusCode(error) === 304) return;
    if (removeOnFailure) await removeContainer(engine, id, 0, false).catch(() => undefined);
    throw engineFailure(`Could not start container "${spec.display}" (${spec.name}, image ${spec.image})`, error);
  }
}

/** A started container that already stopped (or is restarting after a crash) is an error, with its exit code and last logs. */
async function checkStarted(engine: Engine, spec: ContainerSpec, id: string): Promise<void> {
  const state = await inspectContainer(engine, id);
  if (!state) throw new LuckyError(ErrorCode.ContainerFailed, `Container "${spec.display}" (${spec.name}) disappeared right after it started`);
  if (state.running && !state.restarting) return;
  throw new LuckyError(
    ErrorCode.ContainerFailed,
    exitedMessage(spec, state.exitCode, state.error, await lastLogLines(engine, id), 'exited right after it started'),
  );
}

function combine(errors: readonly unknown[]): LuckyError {
  const messages = [...new Set(errors.map((e) => (e instanceof Error ? e.message : String(e))))];
  if (errors.length === 1 && errors[0] instanceof LuckyError) return errors[0];
  return new LuckyError(ErrorCode.ContainerFailed, messages.join('; '), { cause: errors[0] });
}

/**
 * Makes the unit's containers on the engine match the specs: keeps matching
 * ones (starting them if stopped), recreates changed ones, creates missing
 * ones, removes strays and duplicates. Images are made ready before anything is
 * removed, so a failed pull leaves that container's old version running. A
 * failure of one container does not stop the others; all failures are thrown
 * together at the end.
 */
export async function reconcile(engine: Engine, unit: string, specs: readonly ContainerSpec[], options: ReconcileOptions): Promise<void> {
  const { log, signal } = options;
  const plan = planReconcile(await listUnitContainers(engine, unit), specs, options.force);
  const errors: unknown[] = [];

  // 1. Images for what will be created, once per image and policy.
  const images = new Map<string, Promise<LocalImage>>();
  const ready = new Map<ContainerSpec, LocalImage>();
  await Promise.all(
    plan.create.map(async (spec) => {
      const key = `${spec.pullPolicy}\0${spec.image}`;
      let image = images.get(key);
      // force: upgrade-charm, when mutable tags are pulled again.
      if (!image) images.set(key, (image = prepareImage(engine, spec.image, spec.pullPolicy, { refresh: options.force, log, report: options.report, signal })));
      try {
        ready.set(spec, await image);
      } catch (error) {
        errors.push(error);
      }
    }),
  );
  signal?.throwIfAborted();

  // 2. Remove strays, duplicates and outdated containers (not those whose replacement is not ready).
  const failedKeys = new Set(plan.create.filter((spec) => !ready.has(spec)).map((spec) => spec.key));
  const removals = plan.remove.filter((r) => r.forKey === undefined || !failedKeys.has(r.forKey));
  await Promise.all(
    removals.map(async ({ container, forKey }) => {
      log.info(`Removing container ${container.name} (${forKey === undefined ? 'not defined' : 'outdated or duplicate'})`);
      try {
        await removeContainer(engine, container.id, options.stopTimeout, container.state !== 'created' && container.state !== 'exited');
      } catch (error) {
        errors.push(error);
      }
    }),
  );
  signal?.throwIfAborted();

  // 3. Create and start what is missing; start kept ones that are stopped.
  const started: Array<{ spec: ContainerSpec; id: string }> = [];
  await Promise.all([
    ...[...ready].map(async ([spec, image]) => {
      try {
        await createMountSources(spec.mounts);
        const id = await createContainer(engine, unit, spec, image);
        log.info(`Created container ${spec.name} (${id.slice(0, 12)}) from ${spec.image}`);
        await startContainer(engine, spec, id, true);
        started.push({ spec, id });
      } catch (error) {
        errors.push(error);
      }
    }),
    ...plan.keep.map(async ({ spec, container }) => {
      try {
        if (container.state === 'running' || container.state === 'paused') return;
        const state = await inspectContainer(engine, container.id);
        if (state && (state.restarting || (!state.running && state.exitCode !== 0))) {
          options.report(
            exitedMessage(
              spec,
              state.exitCode,
              state.error,
              await lastLogLines(engine, container.id),
              state.restarting ? 'keeps crashing; it last exited' : 'was found stopped; it had exited',
            ),
          );
        }
        if (!state || state.running) return;
        await createMountSources(spec.mounts);
        log.info(`Starting container ${spec.name} (${container.id.slice(0, 12)})`);
        await startContainer(engine, spec, container.id, false);
        started.push({ spec, id: container.id });
      } catch (error) {
        errors.push(error);
      }
    }),
  ]);

  // 4. One look at everything just started: a container that already exited is an error.
  await Promise.all(
    started.map(async ({ spec, id }) => {
      try {
        await checkStarted(engine, spec, id);
      } catch (error) {
        errors.push(error);
      }
    }),
  );
  if (errors.length > 0) throw combine(errors);
}
