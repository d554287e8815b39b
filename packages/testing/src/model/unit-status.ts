/** The workload statuses the unit agent sets itself (Juju 3's uniter), not the charm. */
import type { ModelState, StatusEntry } from './schema.js';

/** A new unit's status until its charm sets one (before and during `install`). */
export const INSTALLING_STATUS: Readonly<StatusEntry> = { status: 'maintenance', message: 'installing charm software' };

/**
 * After a successful `start`, a charm that has never run `status-set` is shown as
 * `unknown` (runHook.afterHook). Its status history holds only what status-set wrote
 * (and the runner's hook errors).
 */
export function settleStartStatus(model: ModelState, unit: string): boolean {
  const state = model.units[unit];
  if (!state || state.statusHistory.some((entry) => entry.status !== 'error')) return false;
  state.status = { status: 'unknown', message: '' };
  state.statusSince = new Date().toISOString();
  return true;
}

/** `juju remove-unit`: the unit is dying until its teardown hooks have run and it leaves the model. */
export function markDying(model: ModelState, unit: string): void {
  const state = model.units[unit];
  if (state) state.life = 'dying';
}
