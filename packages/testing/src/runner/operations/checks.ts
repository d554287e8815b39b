/** Checks an operation makes against the current model before it changes anything. */
import { SimulatorError } from '../../errors.js';
import { unitApplication } from '../../model/names.js';
import type { ModelState } from '../../model/schema.js';
import { byUnitNumber } from '../diff.js';
import { failedMessage } from '../hook-queue.js';
import type { RunnerState } from '../state.js';

export function requireApplication(model: ModelState, app: string) {
  const state = Object.hasOwn(model.applications, app) ? model.applications[app] : undefined;
  if (!state) throw new SimulatorError(`Application ${app} does not exist (applications: ${Object.keys(model.applications).sort().join(', ') || 'none'}).`);
  return state;
}

/** The unit exists and is not being removed. */
export function requireUnit(model: ModelState, state: RunnerState, unit: string): void {
  if (!Object.hasOwn(model.units, unit)) {
    const app = unitApplication(unit);
    const known = Object.hasOwn(model.applications, app)
      ? Object.keys(model.units)
          .filter((name) => unitApplication(name) === app)
          .sort(byUnitNumber)
      : [];
    throw new SimulatorError(`Unit ${unit} does not exist${known.length > 0 ? ` (units of ${app}: ${known.join(', ')})` : ''}.`);
  }
  if (state.dyingUnits.includes(unit)) throw new SimulatorError(`Unit ${unit} is being removed.`);
}

/** Refuses an operation that involves a unit in error. */
export function assertNoError(state: RunnerState, units: readonly string[]): void {
  for (const unit of units) {
    const error = Object.hasOwn(state.errors, unit) ? state.errors[unit] : undefined;
    if (error) throw new SimulatorError(`Unit ${unit} is in error (${failedMessage(error.hook)}); resolve it first.`);
  }
}
