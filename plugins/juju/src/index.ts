import { consolidateStatus, definePlugin, type HookContext, type Plugin, type WorkloadState } from '@lucky/core';
import { JujuLogForwarder } from './juju-log-forwarder.js';
import { jujuMethods } from './methods/index.js';
import { configGet } from './tools/config.js';
import { statusSet } from './tools/status.js';
import { actionFail } from './tools/action.js';
import { failureReported } from './methods/action.js';

export * from './tools/index.js';
export { JujuLogForwarder } from './juju-log-forwarder.js';
export { jujuMethods } from './methods/index.js';

/** Hooks after which Juju's config may differ from the cache (DMN-45, DMN-50). */
const CONFIG_HOOKS = new Set(['install', 'config-changed', 'upgrade-charm']);

/**
 * The Juju bridge: relation, leadership, port, address and resource methods over
 * the hook tools, the config cache refresh, pushing the unit status with
 * `status-set`, and forwarding the daemon log to `juju-log`.
 */
export default function jujuPlugin(): Plugin {
  let forwarder: JujuLogForwarder | undefined;
  // A status change outside a hook cannot reach Juju; it is pushed when the next hook starts.
  let unpushed: { state: WorkloadState; message: string } | undefined;
  const push = async (hook: HookContext, status: { state: WorkloadState; message: string }): Promise<void> => {
    await statusSet(hook.env, status.state, status.message);
    unpushed = undefined;
  };
  return definePlugin({
    name: '@lucky/plugin-juju',
    rpc: jujuMethods,
    hooks: {
      daemonStarted(daemon) {
        forwarder = new JujuLogForwarder(daemon);
        forwarder.attach();
      },
      async beforeHook(hook, daemon) {
        if (unpushed) await push(hook, consolidateStatus(daemon.state.data.statuses));
        if (!hook.action && CONFIG_HOOKS.has(hook.hook)) {
          const values = await configGet(hook.env);
          await daemon.state.mutate((state) => {
            state.config = values;
          });
          daemon.log.debug(`Config cache refreshed (${Object.keys(values).length} options)`);
        }
      },
      async statusChanged(status, hook) {
        if (hook) await push(hook, status);
        else unpushed = status;
      },
      async afterHook() {
        await forwarder?.drained();
      },
      async actionFailed(hook, message) {
        // A script that said why with `lucky action fail` keeps its own message.
        if (!failureReported(hook)) await actionFail(hook.env, message);
      },
    },
  });
}
