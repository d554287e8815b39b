/**
 * `juju run <unit> <action>` on a LocalModel: the params are checked against the
 * charm's actions.yaml before anything runs (the controller refuses them at
 * enqueue), the action runs through the charm's `dispatch` (or `actions/<name>`)
 * with JUJU_ACTION_* set, and its report (results, logs, failure) is collected
 * whatever its exit code. Changes it commits trigger hooks like a hook's would.
 * Actions also run on a unit in error, as Juju runs them between hook retries.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SimulatorError } from '../errors.js';
import type { HookResult } from '../hook-runner.js';
import { kubernetesHookEnv } from '../kubernetes/env.js';
import { unitApplication } from '../model/names.js';
import { MODEL_DIR_MODE, readModel, withModelLock } from '../model/store.js';
import type { ModelContext, Operation } from '../runner/context.js';
import { triggeredHooks } from '../runner/diff.js';
import { requireUnit } from '../runner/operations/checks.js';
import { enqueue } from '../runner/queue.js';
import { unitPaths } from '../runner/unit-paths.js';
import { validateParams, withDefaults } from './params.js';
import type { ActionRun } from './schema.js';
import { readActionSpecs } from './spec.js';
import { watchActionLogs } from './log-watch.js';
import { appendActionRun, nextActionIds, readReport, removeReport } from './store.js';
import { modelDockerEnv } from '../runner/cleanup.js';

/** Action names the hook runner would take for a relation, storage or workload hook. */
const HOOK_LIKE = /-relation-(?:created|joined|changed|departed|broken)$|-storage-(?:attached|detaching)$|-pebble-[a-z-]+$/;

export async function runAction(
  context: ModelContext,
  { state, model }: Operation,
  unit: string,
  name: string,
  params: Readonly<Record<string, unknown>>,
): Promise<ActionRun> {
  requireUnit(model, state, unit);
  const app = model.applications[unitApplication(unit)];
  if (!app) throw new SimulatorError(`Application ${unitApplication(unit)} does not exist.`);
  const specs = await readActionSpecs(app.charmDir);
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) {
    const known = Object.keys(specs).sort();
    throw new SimulatorError(`action "${name}" not defined on unit "${unit}" (its charm's actions: ${known.join(', ') || 'none'})`);
  }
  if (HOOK_LIKE.test(name)) throw new SimulatorError(`The simulator cannot run an action named like a hook ("${name}"); rename the action.`);
  validateParams(spec, params);
  const full = withDefaults(spec.schema, params);
  const ids = await nextActionIds(context.dir);
  const enqueued = new Date().toISOString();

  const before = await readModel(context.dir);
  const paths = unitPaths(context.dir, unit);
  await mkdir(join(paths.dataDir, '..'), { recursive: true, mode: MODEL_DIR_MODE });
  const listener = context.listener();
  listener?.hookStarted?.(unit, name);
  listener?.actionStarted?.({ unit, name, operation: ids.operation, id: ids.task });
  const logs = listener?.actionLog ? await watchActionLogs(context.dir, ids.task, (entry) => listener.actionLog?.(unit, name, entry)) : undefined;
  const started = new Date().toISOString();
  let result: HookResult;
  try {
    result = await context.simulator.runHook(unit, name, {
      action: { name, id: ids.task, params: full },
      extraEnv: {
        LUCKY_DATA_DIR: paths.dataDir,
        LUCKY_DAEMON_SOCKET: paths.socketPath,
        ...kubernetesHookEnv(before, context.dir, unit),
        ...modelDockerEnv(context.dir),
        PATH: [context.simulator.toolsDir, ...context.path, process.env.PATH ?? ''].join(':'),
      },
      onStdout: (chunk) => listener?.output?.(unit, name, 'stdout', chunk),
      onStderr: (chunk) => listener?.output?.(unit, name, 'stderr', chunk),
    });
  } finally {
    await logs?.close();
  }
  const completed = new Date().toISOString();
  const after = await readModel(context.dir);
  for (const hook of triggeredHooks(unit, before, after, state.dyingUnits, state.dyingRelations)) enqueue(state, hook);

  const report = await readReport(context.dir, ids.task);
  // finalizeAction: a process error replaces the action-fail message ("exit status N"); a missing handler fails it.
  let status: ActionRun['status'] = report.failed ? 'failed' : 'completed';
  let message = report.failed ? report.message : '';
  if (result.skipped) {
    status = 'failed';
    message = `action not implemented on unit "${unit}"`;
  } else if (result.exitCode !== 0) {
    status = 'failed';
    message = `exit status ${result.exitCode}`;
  }
  const run: ActionRun = {
    id: ids.task,
    operation: ids.operation,
    unit,
    name,
    params: full,
    status,
    message,
    results: report.results,
    logs: report.logs,
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
    contextId: result.contextId,
    enqueued,
    started,
    completed,
  };
  await withModelLock(context.dir, async () => {
    await appendActionRun(context.dir, run);
    await removeReport(context.dir, ids.task);
  });
  listener?.hookFinished?.({ unit, hook: name, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
  return run;
}
