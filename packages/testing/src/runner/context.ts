/** What the operations and the hook queue need of a LocalModel, so they can live outside the class. */
import { SimulatorError } from '../errors.js';
import { passThroughEnvironment } from '../hook-env.js';
import { isValidUnit } from '../model/names.js';
import type { ModelState } from '../model/schema.js';
import type { SimulatedModel } from '../simulated-model.js';
import { modelDockerEnv } from './cleanup.js';
import { stopUnitDaemon } from './daemon.js';
import type { RunnerState } from './state.js';
import type { LocalModelListener } from './types.js';
import { unitPaths } from './unit-paths.js';

export interface ModelContext {
  readonly dir: string;
  readonly simulator: SimulatedModel;
  /** PATH entries for hooks and daemons, as the model was created or opened with. */
  readonly path: readonly string[];
  /** A function, not a value: the listener may be replaced between hooks and each hook sees the current one. */
  readonly listener: () => LocalModelListener | null;
  /** True: run one hook at a time, whatever the model was created with (LocalModel#serial). */
  readonly serial?: () => boolean;
}

/** One operation's view, loaded under the runner lock; the operation edits `state` in place and the runner saves it. */
export interface Operation {
  readonly state: RunnerState;
  readonly model: ModelState;
}

/** What reaches a unit's daemon from outside a hook, e.g. `lucky kv get`; DOCKER_HOST passes through as for hooks. */
export function unitEnv(context: ModelContext, unit: string): Record<string, string> {
  if (!isValidUnit(unit)) throw new SimulatorError(`Invalid unit name ${JSON.stringify(unit)}: expected <application>/<number>.`);
  const paths = unitPaths(context.dir, unit);
  return {
    LUCKY_DATA_DIR: paths.dataDir,
    LUCKY_DAEMON_SOCKET: paths.socketPath,
    JUJU_UNIT_NAME: unit,
    PATH: [...context.path, process.env.PATH ?? ''].join(':'),
    ...passThroughEnvironment(),
    ...modelDockerEnv(context.dir),
  };
}

export async function stopDaemon(context: ModelContext, unit: string): Promise<void> {
  await stopUnitDaemon(unit, unitPaths(context.dir, unit).socketPath, unitEnv(context, unit));
}
