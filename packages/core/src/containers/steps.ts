import { definePlugin, type DaemonContext, type HookContext, type MethodContext, type Plugin } from '../plugin.js';
import { containerMethods } from './methods.js';

/** The internal status slot for container work (Lucky's `__lucky::…` slots, DMN-33). */
const SLOT = 'lucky-containers';

/**
 * Lucky's built-in container steps (DMN-50), runtime-neutral: install the engine
 * in `install`, apply definitions after every script and on `container apply`,
 * recreate everything in `upgrade-charm`, remove everything in `stop`/`remove`.
 * Without a runtime (`use-docker: false`) none of them touches an engine (GAP-42).
 */
export function containerSteps(): Plugin {
  // Definitions as last applied; a script that changed nothing costs no engine call.
  let applied: string | undefined;

  const runtimeOf = (daemon: DaemonContext) => daemon.runtime();

  /** `recheck` reconciles even when nothing changed, to find containers that died meanwhile. */
  const apply = async (daemon: DaemonContext, force = false, signal?: AbortSignal, recheck = false): Promise<void> => {
    const runtime = runtimeOf(daemon);
    if (!runtime) return;
    const definitions = daemon.state.data.containers;
    const wanted = JSON.stringify(definitions);
    if (!force && !recheck && wanted === applied) return;
    try {
      await runtime.apply(definitions, daemon, { force, ...(signal ? { signal } : {}) });
    } catch (error) {
      // A failed apply may have left the engine anywhere between the old and the new
      // definitions: forget what was applied, so the next apply reconciles whatever it finds.
      applied = undefined;
      // Nothing defined and no engine (yet): there is nothing to apply, so that is no failure.
      if (Object.keys(definitions).length > 0) throw error;
      daemon.log.debug(`No containers defined; skipped reconciling: ${(error as Error).message}`);
      return;
    }
    applied = wanted;
  };

  const withStatus = async (daemon: DaemonContext, message: string, work: () => Promise<void>): Promise<void> => {
    await daemon.setStatus(SLOT, { state: 'maintenance', message });
    await work();
    await daemon.setStatus(SLOT, null);
  };

  return definePlugin({
    name: '@lucky/core:containers',
    rpc: containerMethods(async (ctx: MethodContext) => {
      // No runtime (use-docker: false): definitions are kept, and nothing is applied (GAP-42).
      await apply(ctx.daemon, false, ctx.call.connection.signal);
    }),
    hooks: {
      async daemonStarted(daemon) {
        // Adopt or clean up what a previous daemon left, if the engine is there yet.
        try {
          await apply(daemon, false);
        } catch (error) {
          daemon.log.warn(`Could not reconcile containers at start: ${(error as Error).message}`);
        }
      },
      async beforeHook(hook: HookContext, daemon) {
        const runtime = runtimeOf(daemon);
        if (!runtime) return;
        if (hook.hook === 'install') {
          await withStatus(daemon, `Installing ${runtime.name}`, () => runtime.ensureEngine(daemon));
        } else if (hook.hook === 'upgrade-charm') {
          await withStatus(daemon, 'Updating containers after charm upgrade', () => apply(daemon, true, hook.signal));
        } else if (hook.hook === 'update-status' || hook.hook === 'start') {
          // Juju's periodic hook and the hook after a reboot: restart or report containers that died.
          await apply(daemon, false, hook.signal, true);
        }
      },
      async afterScript(run, daemon) {
        await apply(daemon, false, run.hook.signal);
      },
      async afterHook(hook, failed, daemon) {
        const runtime = runtimeOf(daemon);
        if (!runtime || failed || (hook.hook !== 'stop' && hook.hook !== 'remove')) return;
        await withStatus(daemon, 'Removing containers', async () => {
          await runtime.removeAll(daemon);
          await daemon.state.mutate((state) => void (state.containers = {}));
          applied = JSON.stringify({});
        });
      },
    },
  });
}
