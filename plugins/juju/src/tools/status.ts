import type { WorkloadState } from '@lucky/core';
import { runTool, type ToolEnv } from './run.js';

/**
 * `status-set <state> -- <message>` for the unit. The `--` keeps a message that
 * starts with a dash (`-2 units missing`) from being read as an option.
 */
export async function statusSet(env: ToolEnv, state: WorkloadState, message: string): Promise<void> {
  await runTool('status-set', [state, '--', message], env);
}

/** `status-set --application <state> -- <message>`: the application's status (leader only). */
export async function applicationStatusSet(env: ToolEnv, state: WorkloadState, message: string): Promise<void> {
  await runTool('status-set', ['--application', state, '--', message], env);
}

/** `application-version-set -- <version>`: the workload version `juju status` shows. */
export async function applicationVersionSet(env: ToolEnv, version: string): Promise<void> {
  await runTool('application-version-set', ['--', version], env);
}
