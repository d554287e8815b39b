import type { WorkloadState } from './state/schema.js';
import type { StatusSlot } from './state/schema.js';

/** Lowest to highest precedence (DMN-31): the unit shows the highest state of any slot. */
const PRECEDENCE: readonly WorkloadState[] = ['active', 'waiting', 'maintenance', 'blocked'];

/**
 * The unit status Lucky reports: the highest-precedence state over all slots and
 * the non-empty messages joined with ", " in slot-creation order (deterministic,
 * unlike Lucky's hash order). No slots means active with no message.
 */
export function consolidateStatus(slots: readonly StatusSlot[]): { state: WorkloadState; message: string } {
  let rank = 0;
  const messages: string[] = [];
  for (const slot of slots) {
    rank = Math.max(rank, PRECEDENCE.indexOf(slot.state));
    if (slot.message !== '') messages.push(slot.message);
  }
  return { state: PRECEDENCE[rank] ?? 'active', message: messages.join(', ') };
}

/** Accepts any letter case (GAP-47); returns undefined for anything else. */
export function parseWorkloadState(text: string): WorkloadState | undefined {
  const lower = text.toLowerCase();
  return (PRECEDENCE as readonly string[]).includes(lower) ? (lower as WorkloadState) : undefined;
}
