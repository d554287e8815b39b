import { execa } from 'execa';
import { runTool, type ToolEnv } from './run.js';

export type JujuLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** `juju-log -l <LEVEL> -- <message>`. */
export async function jujuLog(env: ToolEnv, level: JujuLogLevel, message: string): Promise<void> {
  await runTool('juju-log', ['-l', level, '--', message], env);
}

/**
 * `juju-log` for a record the daemon forwards (LOG-03), twice or more per hook: nothing
 * reads its output, so it gets none, which makes the call about 2 ms of CPU cheaper
 * than `jujuLog`. A record that cannot be logged is dropped (logging never fails a hook).
 */
export async function forwardToJujuLog(env: ToolEnv, level: JujuLogLevel, message: string): Promise<void> {
  // No cleanup handler either: a record still being logged when the daemon exits may finish alone.
  await execa('juju-log', ['-l', level, '--', message], {
    env,
    extendEnv: false,
    reject: false,
    stdio: 'ignore',
    cleanup: false,
    timeout: 120_000,
  });
}
