/**
 * `pebble notify` from outside the unit: records a custom notice in a workload
 * container's Pebble, whose server then has the Juju agent's part (its `--on-event`
 * program) run `<container>-pebble-custom-notice`. For determinism this waits until
 * that hook has run and the model has settled again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatorError } from '../errors.js';
import { withFileLock } from '../model/lock.js';
import { unitApplication } from '../model/names.js';
import type { HookRun } from '../model/schema.js';
import { readModel } from '../model/store.js';
import type { ModelContext } from '../runner/context.js';
import { failedMessage } from '../runner/hook-queue.js';
import { readRunnerState, runnerLockPath } from '../runner/state.js';
import type { HookOutcome } from '../runner/types.js';
import { pebbleNotify } from './pebble-api.js';
import { containerNames, unitWorkloadPaths } from './workloads.js';

/** A notice's hook may run for as long as any hook; an operation waits as long for the runner lock. */
const HOOK_DEADLINE_MS = 10 * 60_000;

export interface NotifyResult {
  /** Pebble's id of the notice (JUJU_NOTICE_ID of its hook). */
  readonly noticeId: string;
  /** The hooks that ran from the notice on, its own first. */
  readonly outcomes: HookOutcome[];
}

export async function notify(
  context: ModelContext,
  unit: string,
  container: string,
  key: string,
  data: Readonly<Record<string, string>>,
): Promise<NotifyResult> {
  const model = await readModel(context.dir);
  const state = await readRunnerState(context.dir);
  if (!Object.hasOwn(model.units, unit) || state?.dyingUnits.includes(unit)) throw new SimulatorError(`Unit ${unit} does not exist.`);
  const app = unitApplication(unit);
  const names = containerNames(model, app);
  if (model.applications[app]?.containers === undefined) throw new SimulatorError(`${unit} is not a Kubernetes unit: its charm declares no containers.`);
  if (!names.includes(container)) throw new SimulatorError(`${unit} has no container "${container}" (its containers: ${names.join(', ')}).`);
  const error = state?.errors[unit];
  if (error) throw new SimulatorError(`Unit ${unit} is in error (${failedMessage(error.hook)}); resolve it first, or its notice hook would wait.`);
  const hook = `${container}-pebble-custom-notice`;
  const before = (await context.simulator.hookLog()).length;
  let noticeId: string;
  try {
    noticeId = await pebbleNotify(unitWorkloadPaths(context.dir, model, unit).socket(container), key, data);
  } catch (cause) {
    throw new SimulatorError(`Pebble of ${unit}'s container ${container} refused the notice: ${(cause as Error).message}`, { cause });
  }
  const deadline = Date.now() + HOOK_DEADLINE_MS;
  const fired = (run: HookRun) => run.unit === unit && run.hook === hook && run.env.JUJU_NOTICE_ID === noticeId;
  while (!(await context.simulator.hookLog()).slice(before).some(fired)) {
    if (Date.now() > deadline)
      throw new SimulatorError(`Notice ${noticeId} (${key}) was recorded, but ${hook} did not run on ${unit} within ${HOOK_DEADLINE_MS / 60_000} minutes.`);
    await sleep(20);
  }
  // The event's operation holds the runner lock until the model settles: wait for it to let go.
  await withFileLock(runnerLockPath(context.dir), async () => undefined, { timeoutMs: HOOK_DEADLINE_MS, staleMs: Number.MAX_SAFE_INTEGER });
  const runs = (await context.simulator.hookLog()).slice(before);
  const outcomes = runs
    .slice(Math.max(0, runs.findIndex(fired)))
    .map((run) => ({ unit: run.unit, hook: run.hook, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr }));
  return { noticeId, outcomes };
}
