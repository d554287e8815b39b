import type { ModelContext } from './context.js';
import { stopDaemon } from './context.js';
import { enqueue, hookEntry } from './queue.js';
import type { RunnerState } from './state.js';

/**
 * A unit's machine reboots after `juju-reboot`: every process on it ends, the unit's
 * Lucky daemon included (the next hook starts it again), and the unit agent runs
 * `start` once it is back, as Juju does after any reboot. A hook killed by
 * `juju-reboot --now` is still at the head of the unit's queue, so it runs again first.
 */
export async function rebootUnit(context: ModelContext, state: RunnerState, unit: string): Promise<void> {
  await stopDaemon(context, unit);
  enqueue(state, hookEntry(unit, 'start'));
}
