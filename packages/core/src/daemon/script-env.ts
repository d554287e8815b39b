import { delimiter, join } from 'node:path';
import type { DaemonContext, HookContext } from '../plugin.js';

/**
 * The environment of a script (DMN-22): the hook's complete environment (so every
 * `JUJU_*` is the current hook's, fixing GAP-05), Lucky's variables, and `PATH`
 * extended with the charm's `bin/` (for `. functions.sh`) and the `lucky` directory.
 */
export function scriptEnvironment(hook: HookContext, daemon: DaemonContext, scriptId: string): Record<string, string> {
  const env: Record<string, string> = { ...hook.env };
  env.LUCKY_CONTEXT = 'client';
  env.LUCKY_SCRIPT_ID = scriptId;
  env.LUCKY_DAEMON_SOCKET = daemon.socketPath;
  env.JUJU_UNIT_NAME ??= daemon.unit;
  env.JUJU_CHARM_DIR ??= daemon.charmDir;
  if (hook.hook === 'cron') delete env.LUCKY_HOOK;
  else env.LUCKY_HOOK = hook.hook;
  const path = env.PATH ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  env.PATH = [path, join(daemon.charmDir, 'bin'), daemon.binDir].join(delimiter);
  return env;
}
