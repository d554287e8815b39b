import { isActionContext, updateHookContext } from './context.js';
import { checkEmpty, runtimeError } from './errors.js';
import { boolOption, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'juju-reboot',
  args: '',
  purpose: 'Reboot the host machine.',
  options: () => [boolOption('now')],
  async run(context, parsed) {
    checkEmpty(parsed.args);
    if (isActionContext(context)) runtimeError('juju-reboot is not supported when running an action.');
    const now = parsed.bool('now');
    let hookPid: number | undefined;
    // Buffered like Juju's reboot priority: the runner reboots after the hook, or at once for --now.
    await updateHookContext(context, (hook) => {
      if (now || hook.reboot !== 'now') hook.reboot = now ? 'now' : 'after-hook';
      hookPid = hook.hookPid;
    });
    // --now: the agent kills the hook process (its changes are dropped) and runs the hook
    // again after the reboot. Without a process (a context opened by a test) there is nothing
    // to kill, as under `juju debug-hooks`.
    if (now && hookPid !== undefined) {
      try {
        process.kill(hookPid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  },
};
