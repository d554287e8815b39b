import * as v from 'valibot';
import { ErrorCode, LuckyError, defineMethod, type HookContext, type MethodContext } from '@lucky/core';
import { actionFail, actionGet, actionGetYaml, actionLog, actionSet } from '../tools/action.js';

/** Actions whose scripts reported their failure themselves (`lucky action fail`): their message stands. */
const reportedFailures = new WeakSet<HookContext>();

/** Whether the action's scripts already called `action-fail`. */
export function failureReported(hook: HookContext): boolean {
  return reportedFailures.has(hook);
}

/**
 * The running action; a hook's scripts are refused with Lucky's reason before the
 * tool would answer Juju's `not running an action`.
 */
function actionContext(ctx: MethodContext, command: string): HookContext {
  const hook = ctx.hook();
  if (!hook.action) {
    throw new LuckyError(
      ErrorCode.NotInHookContext,
      `lucky action ${command} works only in an action's scripts (lucky.yaml "actions:"); this script runs in hook "${hook.hook}", not an action.`,
    );
  }
  return hook;
}

/**
 * `action.*`, through `action-get`, `action-set`, `action-fail` and `action-log`.
 * Served to containers too: they read and report the running action of this unit
 * only, and reveal nothing of the host.
 */
export const actionMethods = {
  'action.get': defineMethod({
    container: true,
    params: v.object({ key: v.optional(v.pipe(v.string(), v.nonEmpty('the key is empty'))), yaml: v.optional(v.boolean(), false) }),
    result: v.object({ value: v.unknown(), yaml: v.optional(v.string()) }),
    handler: async ({ key, yaml }, ctx) => {
      const env = actionContext(ctx, 'get').env;
      // YAML as Juju prints it, for `--format yaml`; JSON data otherwise.
      return yaml ? { value: null, yaml: await actionGetYaml(env, key) } : { value: await actionGet(env, key) };
    },
  }),
  'action.set': defineMethod({
    container: true,
    params: v.object({ values: v.record(v.pipe(v.string(), v.nonEmpty('a key is empty')), v.string()) }),
    result: v.object({}),
    handler: async ({ values }, ctx) => {
      await actionSet(actionContext(ctx, 'set').env, values);
      return {};
    },
  }),
  'action.fail': defineMethod({
    container: true,
    params: v.object({ message: v.optional(v.string()) }),
    result: v.object({}),
    handler: async ({ message }, ctx) => {
      const hook = actionContext(ctx, 'fail');
      await actionFail(hook.env, message);
      reportedFailures.add(hook);
      return {};
    },
  }),
  'action.log': defineMethod({
    container: true,
    params: v.object({ message: v.string() }),
    result: v.object({}),
    handler: async ({ message }, ctx) => {
      await actionLog(actionContext(ctx, 'log').env, message);
      return {};
    },
  }),
};
