/** `juju-reboot` between the hook tool and the hook runner: the hook's pid goes in, the request comes out. */
import type { HookContextState } from './model/schema.js';
import { readContext, withModelLock, writeContext } from './model/store.js';

/** Records the hook's process in its context, so that `juju-reboot --now` can kill it as the agent does. */
export async function recordHookProcess(modelDir: string, contextId: string, pid: number): Promise<void> {
  await withModelLock(modelDir, async () => {
    const context = await readContext(modelDir, contextId);
    if (!context) return;
    context.hookPid = pid;
    await writeContext(modelDir, context);
  });
}

/** The reboot the hook asked for with `juju-reboot`, read before its context is closed. */
export async function rebootRequest(modelDir: string, contextId: string): Promise<HookContextState['reboot']> {
  return (await readContext(modelDir, contextId))?.reboot;
}
