import { runTool, type ToolEnv } from './run.js';

/**
 * `juju-reboot [--now]`: reboot the machine after the hook (its changes are kept),
 * or now (Juju kills the hook, drops its changes, and runs it again after the reboot).
 */
export async function jujuReboot(env: ToolEnv, now: boolean): Promise<void> {
  await runTool('juju-reboot', now ? ['--now'] : [], env);
}
