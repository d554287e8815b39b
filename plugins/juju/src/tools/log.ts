import { runTool, type ToolEnv } from './run.js';

export type JujuLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** `juju-log -l <LEVEL> -- <message>`. */
export async function jujuLog(env: ToolEnv, level: JujuLogLevel, message: string): Promise<void> {
  await runTool('juju-log', ['-l', level, '--', message], env);
}
