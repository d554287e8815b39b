import type { WorkloadState } from '@lucky/core';
import { runTool, type ToolEnv } from './run.js';

/** `status-set <state> <message>` for the unit. */
export async function statusSet(env: ToolEnv, state: WorkloadState, message: string): Promise<void> {
  await runTool('status-set', [state, message], env);
}
