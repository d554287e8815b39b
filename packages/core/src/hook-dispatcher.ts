import { ErrorCode, LuckyError, isLuckyError } from './errors.js';
import type { DaemonContext, HookContext, Plugin, ScriptRun, ScriptRunner } from './plugin.js';
import { triggerPluginHook } from './plugin-hooks.js';
import type { ScriptEntry, ScriptKind } from './config/schema.js';

/** Outcome of one hook: the first error, if any (YAML-03, DMN-10/11). */
export interface HookOutcome {
  readonly error: LuckyError | undefined;
}

/**
 * Runs the `lucky.yaml` entries of one hook: built-in steps first, then each entry
 * in order. Synchronous entries run to completion; `async` ones start and the next
 * entry starts at once; the hook waits for every started entry. The first failing
 * synchronous entry stops further entries from starting. Each script's `afterScript`
 * steps run right after it, in the same flow. The caller runs `finishHook` after
 * logging the outcome, so that plugins see the final log line within the hook.
 */
export async function dispatchHook(
  hook: HookContext,
  entries: readonly ScriptEntry[],
  daemon: DaemonContext,
  plugins: readonly Plugin[],
  runners: ReadonlyMap<ScriptKind, ScriptRunner>,
  scriptEnv: (id: string) => Record<string, string>,
  /** Script ids are `<idPrefix>_<index>`: the hook name, or `cron_<job index>` for a cron job (DMN-13). */
  idPrefix: string = hook.hook,
): Promise<HookOutcome> {
  let firstError: LuckyError | undefined;
  try {
    await triggerPluginHook(plugins, 'beforeHook', hook, daemon);
  } catch (error) {
    firstError = asHookError(error, `Error running the built-in steps of hook "${hook.hook}"`);
  }

  // A failing entry stops the scripts still running alongside it (async entries).
  const failing = new AbortController();
  const signal = AbortSignal.any([hook.signal, failing.signal]);
  const fail = (error: LuckyError | undefined): LuckyError | undefined => {
    if (error && !failing.signal.aborted) failing.abort(error);
    return error;
  };
  const running: Array<Promise<LuckyError | undefined>> = [];
  for (const [index, entry] of entries.entries()) {
    if (firstError || signal.aborted) break;
    const run: ScriptRun = {
      entry,
      id: `${idPrefix}_${index}`,
      hook,
      env: scriptEnv(`${idPrefix}_${index}`),
      signal,
      output: (stream, data) => hook.output(stream, data),
    };
    const task = runEntry(run, runners, daemon, plugins).then(fail);
    if (entry.spec.async) running.push(task);
    else firstError = await task;
  }
  for (const result of await Promise.all(running)) firstError ??= result;
  // A cancelled hook fails, with why it was cancelled, whatever its scripts said.
  if (hook.signal.aborted) firstError = asHookError(hook.signal.reason, `Hook "${hook.hook}" was cancelled`);
  return { error: firstError };
}

/** The `afterHook` steps (DMN-50's post handlers); returns the hook's final error, if any. */
export async function finishHook(hook: HookContext, outcome: HookOutcome, daemon: DaemonContext, plugins: readonly Plugin[]): Promise<LuckyError | undefined> {
  try {
    await triggerPluginHook(plugins, 'afterHook', hook, outcome.error !== undefined, daemon);
    return outcome.error;
  } catch (error) {
    return outcome.error ?? asHookError(error, `Error running the built-in steps after hook "${hook.hook}"`);
  }
}

async function runEntry(
  run: ScriptRun,
  runners: ReadonlyMap<ScriptKind, ScriptRunner>,
  daemon: DaemonContext,
  plugins: readonly Plugin[],
): Promise<LuckyError | undefined> {
  const runner = runners.get(run.entry.kind);
  if (!runner) {
    return new LuckyError(
      ErrorCode.PluginFailed,
      `No plugin runs "${run.entry.kind}" entries (script ${run.id}); add a container runtime plugin such as @lucky/plugin-docker.`,
    );
  }
  try {
    await triggerPluginHook(plugins, 'setupScriptEnvironment', run, daemon);
    daemon.log.debug(`Running ${run.entry.kind} ${run.id}`);
    await runner.run(run, daemon);
    await triggerPluginHook(plugins, 'afterScript', run, daemon);
    return undefined;
  } catch (error) {
    return asHookError(error, `Script ${run.id} failed`);
  }
}

function asHookError(error: unknown, context: string): LuckyError {
  if (isLuckyError(error)) return error;
  return new LuckyError(ErrorCode.ScriptFailed, `${context}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
